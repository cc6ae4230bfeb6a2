/**
 * Errors made by name (`new SocketEndpointShutdownError('ESHUTDOWN', 'send')`) take their errno
 * number from the addon's table, built from the platform's <errno.h>: checked here against
 * python3's errno module, built from the same header. lib/ writes no errno number down.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SocketEndpointShutdownError, SocketHostDownError, SocketTypeNotSupportedError, SyscallError } from '../../lib/errors.js';
import { socketErrorFor } from '../../lib/sockets/syscall.js';
import { native } from '../../lib/native.js';
import { pythonOk, requirePython, runPython } from '../helpers/kinds.js';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lib');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('errors: errno numbers of errors made by name', function () {
  let kernel: Record<string, number>;
  before(async function () {
    await requirePython(this);
    const code = 'import errno, json; print(json.dumps({n: getattr(errno, n) for n in dir(errno) if n.startswith("E")}))';
    kernel = JSON.parse(pythonOk(await runPython(code, []))) as Record<string, number>;
  });

  it('ESOCKTNOSUPPORT, ESHUTDOWN and EHOSTDOWN (names node:os lacks) get the kernel number', function () {
    for (const [Cls, code] of [
      [SocketTypeNotSupportedError, 'ESOCKTNOSUPPORT'],
      [SocketEndpointShutdownError, 'ESHUTDOWN'],
      [SocketHostDownError, 'EHOSTDOWN'],
    ] as const) {
      expect(kernel[code], code).to.be.a('number');
      const err = new Cls(code, 'send');
      expect(err.errno, code).to.equal(kernel[code]);
      expect(native.errnoName(err.errno), code).to.equal(code);
      expect(socketErrorFor(code, 'connect')).to.be.instanceOf(Cls).and.have.property('errno', kernel[code]);
    }
  });

  it('every errno name of the platform, aliases too, gets its number; an unknown name gets 0', function () {
    const wrong = Object.entries(kernel).filter(([name, number]) => new SyscallError(name, 'x').errno !== number);
    expect(wrong).to.deep.equal([]);
    expect(new SyscallError('ENOSUCHERRNO', 'x').errno).to.equal(0);
    expect(new SyscallError('constructor', 'x').errno).to.equal(0);
  });

  it('lib/ writes no errno number down', function () {
    const found = sources(LIB).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bE[A-Z][A-Z0-9]+['"]?\s*:\s*\d+/g)].map((m) => `${f}: ${m[0]}`));
    expect(found).to.deep.equal([]);
  });
});
