/**
 * Argument fuzzing (issue 16): every public function and socket method gets arbitrary values
 * (fast-check's `anything`, plus objects without a prototype, Symbols, BigInts and arrays of
 * them). Whatever the value, the call returns, or fails with a coded TypeError/RangeError
 * (ERR_*), an iolib error (IolibError: SocketError, AddressParseError, ...) or an AbortError:
 * never an uncoded error, never a crash.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as address from '../../lib/address/index.js';
import * as sockets from '../../lib/sockets/index.js';
import { IolibError, AbortError } from '../../lib/errors.js';
import { lookupProtocol, lookupService, interfaceIndex, interfaceName, makeInterface } from '../../lib/dns/index.js';

const RUNS = Number(process.env.IOLIB_FUZZ_RUNS ?? 150);

/** Values that broke message formatting once, and everything fast-check makes. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withTypedArray: true, withBoxedValues: true, withMap: true, withSet: true, withSparseArray: true }) },
  { weight: 1, arbitrary: fc.constant(Object.create(null)) },
  { weight: 1, arbitrary: fc.string().map((s) => Symbol(s)) },
  { weight: 1, arbitrary: fc.array(fc.string().map((s) => Symbol(s)), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 70000 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -0, 2 ** 53, 2 ** 31, '', '\0', '127.0.0.1', '::1') },
);
const options: fc.Arbitrary<unknown> = fc.oneof(value, fc.dictionary(fc.constantFrom(
  'size', 'start', 'end', 'buffer', 'timeout', 'signal', 'port', 'abstract', 'remoteHost', 'remotePort', 'remoteFilename',
  'localHost', 'localPort', 'localFilename', 'addressFamily', 'type', 'connect', 'inputBufferSize', 'outputBufferSize',
  'encoding', 'backlog', 'wait', 'fds', 'data', 'maxFds', 'dontWait', 'peek', 'read', 'write', 'abort', 'ipv6', 'protocol',
), value, { maxKeys: 4 }));

/** Whether `err` is an acceptable failure: coded, typed, never a plain crash. */
function acceptable(err: unknown): boolean {
  if (err instanceof IolibError || err instanceof AbortError) return true;
  if (err instanceof TypeError || err instanceof RangeError) return typeof (err as { code?: unknown }).code === 'string' && /^ERR_/.test((err as unknown as { code: string }).code);
  // Node's own AbortSignal/timers reject coded errors too.
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && /^(ERR_|ABORT_ERR)/.test((err as unknown as { code: string }).code);
}

/** Calls `fn`, waiting at most `ms` for a promise; returns the failure if unacceptable. */
async function outcome(fn: () => unknown, ms = 30): Promise<unknown> {
  try {
    const r = fn();
    if (r instanceof Promise) {
      const settled = await Promise.race([r.then(() => undefined, (e: unknown) => e), new Promise((resolve) => setTimeout(() => resolve(undefined), ms))]);
      r.catch(() => undefined);
      if (settled !== undefined && !acceptable(settled)) return settled;
    }
  } catch (err) {
    if (!acceptable(err)) return err;
  }
  return undefined;
}

function describeFailure(name: string, args: unknown[], err: unknown): string {
  let shown: string;
  try {
    shown = args.map((a) => (typeof a === 'symbol' ? a.toString() : typeof a === 'bigint' ? `${a}n` : fc.stringify(a))).join(', ');
  } catch {
    shown = '(unprintable)';
  }
  return `${name}(${shown}) failed with ${String((err as Error)?.stack ?? err)}`;
}

async function fuzz(name: string, arity: fc.Arbitrary<unknown[]>, call: (args: unknown[]) => Promise<unknown>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arity, async (args) => {
      const bad = await call(args);
      if (bad !== undefined) expect.fail(describeFailure(name, args, bad));
    }),
    { numRuns: RUNS },
  );
}

// Pure functions of the address module: any arguments, at once.
const addressFunctions = Object.entries(address).filter(([, f]) => typeof f === 'function' && !/^[A-Z]/.test(f.name)) as [string, (...a: unknown[]) => unknown][];
const addressClasses = Object.entries(address).filter(([k, f]) => typeof f === 'function' && /^[A-Z]/.test(k) && k !== 'AddressParseError') as [string, new (...a: unknown[]) => unknown][];

describe('argument fuzzing (issue 16)', function () {
  this.timeout(300000);

  for (const [name, fn] of addressFunctions) {
    it(`address.${name}`, () => fuzz(name, fc.array(options, { maxLength: 3 }), (args) => outcome(() => fn(...args))));
  }
  for (const [name, Cls] of addressClasses) {
    it(`new address.${name}`, () => fuzz(name, fc.array(options, { maxLength: 3 }), (args) => outcome(() => new Cls(...args))));
  }

  const dnsPure = [
    ['lookupProtocol', lookupProtocol], ['lookupService', lookupService], ['interfaceIndex', interfaceIndex],
    ['interfaceName', interfaceName], ['makeInterface', makeInterface],
  ] as unknown as [string, (...a: unknown[]) => unknown][];
  for (const [name, fn] of dnsPure) {
    it(`dns.${name}`, () => fuzz(name, fc.array(options, { maxLength: 3 }), (args) => outcome(() => fn(...args))));
  }

  it('makeSocket and makeSocketPair', async () => {
    const opened: { close?(o?: object): unknown }[] = [];
    const keep = async (p: unknown) => {
      const s = await p;
      if (Array.isArray(s)) opened.push(...(s as object[]));
      else if (s && typeof s === 'object') opened.push(s as object);
    };
    await fuzz('makeSocket', fc.tuple(options), ([o]) => outcome(() => keep(sockets.makeSocket(o as sockets.MakeSocketOptions))));
    await fuzz('makeSocketPair', fc.tuple(options), ([o]) => outcome(() => keep(sockets.makeSocketPair(o as sockets.SocketPairOptions))));
    await Promise.all(opened.map((s) => (s as { close(o: object): Promise<void> }).close({ abort: true })));
  });

  // Socket methods, each on fresh sockets closed after the call (which settles what waits).
  const methods: [string, number][] = [
    ['receiveFrom', 1], ['sendTo', 2], ['connect', 2], ['bindAddress', 2], ['setOption', 2], ['getOption', 1],
    ['shutdown', 1], ['close', 1], ['sendMessage', 1], ['receiveMessage', 1], ['sendFileDescriptor', 1],
    ['disconnect', 0], ['joinMulticastGroup', 2], ['leaveMulticastGroup', 2], ['acceptConnection', 1], ['listenOn', 1],
  ];
  for (const [method, arity] of methods) {
    it(`socket.${method}`, async () => {
      await fuzz(method, fc.array(options, { minLength: arity, maxLength: arity + 1 }), async (args) => {
        const [a, b] = sockets.makeSocketPair({ type: 'stream' });
        const [c, d] = sockets.makeSocketPair({ type: 'datagram' });
        const udp = await sockets.makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 });
        const server = await sockets.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const all = [a, b, c, d, udp, server] as unknown as Record<string, (...x: unknown[]) => unknown>[];
        let bad: unknown;
        for (const s of all) {
          if (typeof s[method] !== 'function') continue;
          bad ??= await outcome(() => s[method]!(...args));
        }
        await Promise.all(all.map((s) => (s as unknown as { close(o: object): Promise<void> }).close({ abort: true })));
        return bad;
      });
    });
  }
});
