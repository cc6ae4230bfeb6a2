/**
 * The layer order of lib/, read from the sources' imports: the bottom layer (lib/internal,
 * lib/errors.ts, lib/addon.ts, lib/native.ts), then address, dns, sockets, multiplex, and on top the cli and
 * the entry points (lib/index.ts, lib/error-classes.ts). A module may import its own layer or a lower one, never a higher one; the
 * cli uses only the packages' entry points; and lib/address reaches native code only through the
 * one interface-name resolver (`fe80::1%lo` is resolved when the text is parsed), which loads
 * the addon at its first question, not at import.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lib');

/** The order, lowest first; README and DESIGN.md state the same. */
export const LAYERS = ['bottom', 'address', 'dns', 'sockets', 'multiplex', 'cli', 'entry'] as const;

function layerOf(file: string): (typeof LAYERS)[number] {
  const rel = relative(LIB, file);
  if (rel === 'index.ts' || rel === 'error-classes.ts') return 'entry';
  if (rel === 'errors.ts' || rel === 'addon.ts' || rel === 'native.ts' || rel.startsWith('internal/')) return 'bottom';
  const pkg = rel.split('/')[0]!;
  if ((LAYERS as readonly string[]).includes(pkg)) return pkg as (typeof LAYERS)[number];
  throw new Error(`${rel} is in no layer: add its package to LAYERS`);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The lib/ files `file` imports (relative imports, type-only ones included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  }
  return found;
}

/** The interface-name resolver: lib/address resolves IPv6 zones (`fe80::1%lo`) when parsed. */
const RESOLVER = join(LIB, 'internal', 'interface-index.ts');

/** The one module through which lib/address may reach native code: the resolver. */
const ADDRESS_GATEWAYS = new Set([RESOLVER]);

/** Modules that load native code: the loader, the addon's typed exports and the errno conversion. */
const NATIVE = new Set([join(LIB, 'addon.ts'), join(LIB, 'native.ts'), join(LIB, 'internal', 'errno.ts')]);

/**
 * The ways lib/address reaches native code other than through {@link ADDRESS_GATEWAYS}: each import
 * path from a module of lib/address to a native module that does not pass the resolver, as
 * `first -> ... -> native`.
 */
function addressPathsToNative(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, path: string[]): void => {
    if (ADDRESS_GATEWAYS.has(file) || seen.has(file)) return;
    seen.add(file);
    const here = [...path, relative(LIB, file)];
    if (NATIVE.has(file)) {
      found.push(here.join(' -> '));
      return;
    }
    for (const t of graph.get(file) ?? []) walk(t, here);
  };
  for (const f of graph.keys()) if (layerOf(f) === 'address') walk(f, []);
  return found;
}

/** The edges of `graph` that go to a higher layer. */
function upwardEdges(graph: Map<string, string[]>): string[] {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    const from = LAYERS.indexOf(layerOf(file));
    for (const t of targets) {
      if (LAYERS.indexOf(layerOf(t)) > from) upward.push(`${relative(LIB, file)} (${layerOf(file)}) -> ${relative(LIB, t)} (${layerOf(t)})`);
    }
  }
  return upward;
}

describe('architecture: the layers of lib/', function () {
  const files = sources(LIB);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('reads every module and every relative import of lib/', function () {
    expect(files.length).to.be.greaterThan(50);
    for (const [file, targets] of graph) {
      for (const t of targets) expect(graph.has(t), `${relative(LIB, file)} imports ${relative(LIB, t)}, which is not in lib/`).to.equal(true);
    }
  });

  it('no module imports from a higher layer', function () {
    expect(upwardEdges(graph)).to.deep.equal([]);
  });

  it('the cli uses the packages only through their entry points', function () {
    const inner: string[] = [];
    for (const [file, targets] of graph) {
      if (layerOf(file) !== 'cli') continue;
      for (const t of targets) {
        if (layerOf(t) !== 'cli' && !t.endsWith('/index.ts')) inner.push(`${relative(LIB, file)} -> ${relative(LIB, t)}`);
      }
    }
    expect(inner).to.deep.equal([]);
  });

  it('lib/address reaches native code only through the interface-name resolver', function () {
    expect(addressPathsToNative(graph)).to.deep.equal([]);
  });

  it('one interface-name resolver: only it calls if_nametoindex, and nothing reads sysfs for an index', function () {
    const callers = files.filter((f) => /\.ifNameToIndex\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(LIB, f));
    expect(callers).to.deep.equal([relative(LIB, RESOLVER)]);
    expect(files.filter((f) => /\/ifindex\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(LIB, f))).to.deep.equal([]);
  });

  it('would see an upward import: the check itself is not blind', function () {
    const dns = join(LIB, 'dns', 'hosts.ts');
    const sockets = join(LIB, 'sockets', 'core.ts');
    const bottom = join(LIB, 'internal', 'wait.ts');
    expect(upwardEdges(new Map([[dns, [sockets, bottom]], [bottom, [dns]]]))).to.deep.equal([
      'dns/hosts.ts (dns) -> sockets/core.ts (sockets)',
      'internal/wait.ts (bottom) -> dns/hosts.ts (dns)',
    ]);
  });

  it('would see lib/address reach native code past the resolver: that check is not blind either', function () {
    const zone = join(LIB, 'address', 'zone.ts');
    const ipv6 = join(LIB, 'address', 'ipv6.ts');
    const errno = join(LIB, 'internal', 'errno.ts');
    const native = join(LIB, 'native.ts');
    const synthetic = new Map([[zone, [RESOLVER, ipv6]], [RESOLVER, [native]], [ipv6, [errno]], [errno, [native]], [native, []]]);
    expect(addressPathsToNative(synthetic)).to.deep.equal(['address/zone.ts -> address/ipv6.ts -> internal/errno.ts']);
  });
});
