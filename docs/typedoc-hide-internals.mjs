// typedoc plugin: hides members whose names start with "_" — the Duplex internals every active
// socket overrides (_read, _write, _writev, _final, _destroy) and the library's own _-prefixed
// plumbing — so class pages list only what users call.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const members = context.project.getReflectionsByKind(ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor);
    for (const member of members) if (member.name.startsWith('_')) context.project.removeReflection(member);
  });
}
