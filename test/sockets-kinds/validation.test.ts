/**
 * Issue 4: bad combinations are TypeErrors that name the option and the kind of socket, and a
 * Promise-returning call rejects (never throws). Covers makeSocket's table for every kind,
 * message chunks written to the wrong family, and kind-specific methods on the wrong kind.
 */
import { expect } from 'chai';
import { closeSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import {
  makeSocket,
  makeSocketPair,
  makeSocketFromFd,
  type MakeSocketOptions,
  
  
} from '../../lib/sockets/index.js';
import { KindsCleanup, kindsPath, openFdCount } from '../helpers/kinds.js';

/** makeSocket(options) must return a Promise that rejects with `Cls`; returns the error. */
async function rejects(options: MakeSocketOptions, Cls: typeof TypeError | typeof RangeError = TypeError): Promise<Error & { code?: string }> {
  let p: Promise<unknown> | undefined;
  expect(() => (p = makeSocket(options)), `makeSocket(${JSON.stringify(options)}) must not throw synchronously`).to.not.throw();
  let err: unknown;
  try {
    const s = (await p) as { close(o: object): Promise<void> };
    await s.close({ abort: true });
  } catch (e) {
    err = e;
  }
  expect(err, `makeSocket(${JSON.stringify(options)}) rejects`).to.be.instanceOf(Cls);
  return err as Error & { code?: string };
}

/** Writes one chunk and resolves with the error its callback got (or null). */
/**
 * A malformed message fails its own write at once, as Node's write() of a bad chunk does, and
 * leaves the socket usable; resolves with the error thrown.
 */
async function writeError(s: Duplex, chunk: unknown): Promise<Error | null> {
  let thrown: Error | null = null;
  try {
    s.write(chunk);
  } catch (err) {
    thrown = err as Error;
  }
  expect(s.destroyed, 'the socket stays open').to.equal(false);
  return thrown;
}

describe('sockets-kinds: validation of kinds and options', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  describe('makeSocket: kinds that do not exist', () => {
    it("type 'datagram' with connect 'passive' is a TypeError (internet and local)", async () => {
      const e1 = await rejects({ type: 'datagram', connect: 'passive', localPort: 0 });
      expect(e1.message).to.match(/datagram/);
      expect(e1.code).to.equal('ERR_INVALID_ARG_VALUE');
      await rejects({ addressFamily: 'local', type: 'datagram', connect: 'passive', localFilename: kindsPath('x') });
    });

    it("type 'seqpacket' on internet, type 'raw' on local, raw passive: TypeErrors", async () => {
      await rejects({ type: 'seqpacket' });
      await rejects({ type: 'seqpacket', connect: 'passive' });
      await rejects({ addressFamily: 'local', type: 'raw' });
      await rejects({ type: 'raw', connect: 'passive' });
    });

    it('unknown family, type or connect values are TypeErrors naming the option', async () => {
      expect((await rejects({ addressFamily: 'inet' as never })).message).to.match(/addressFamily/);
      expect((await rejects({ type: 'dgram' as never })).message).to.match(/type/);
      expect((await rejects({ connect: 'listen' as never })).message).to.match(/connect/);
    });

    it('a non-object options argument is a TypeError', async () => {
      await rejects('stream' as never);
    });
  });

  describe('makeSocket: options that do not fit the kind', () => {
    const cases: [string, MakeSocketOptions, string][] = [
      ['localFilename on an internet stream', { localFilename: '/tmp/x' }, 'localFilename'],
      ['remoteFilename on an internet stream', { remoteFilename: '/tmp/x' }, 'remoteFilename'],
      ['abstract on an internet stream', { abstract: true }, 'abstract'],
      ['localFilename on an internet datagram', { type: 'datagram', localFilename: '/tmp/x' }, 'localFilename'],
      ['remoteFilename on an internet datagram', { type: 'datagram', remoteFilename: '/tmp/x' }, 'remoteFilename'],
      ['localFilename on an internet listener', { connect: 'passive', localFilename: '/tmp/x' }, 'localFilename'],
      ['localFilename on a raw socket', { type: 'raw', localFilename: '/tmp/x' }, 'localFilename'],
      ['remoteHost on a local stream', { addressFamily: 'local', remoteHost: '127.0.0.1' }, 'remoteHost'],
      ['localPort on a local datagram', { addressFamily: 'local', type: 'datagram', localPort: 1 }, 'localPort'],
      ['ipv6 on a local seqpacket', { addressFamily: 'local', type: 'seqpacket', ipv6: true }, 'ipv6'],
      ['broadcast on a local datagram', { addressFamily: 'local', type: 'datagram', broadcast: true }, 'broadcast'],
      ['broadcast on a TCP socket', { broadcast: true }, 'broadcast'],
      ['protocol on a UDP socket', { type: 'datagram', protocol: 'udp' }, 'protocol'],
      ['protocol on a local stream', { addressFamily: 'local', protocol: 0 }, 'protocol'],
      ['keepalive on a UDP socket', { type: 'datagram', keepalive: true }, 'keepalive'],
      ['nodelay on a local stream', { addressFamily: 'local', nodelay: true }, 'nodelay'],
      ['backlog on an active socket', { addressFamily: 'local', backlog: 5 }, 'backlog'],
      ['backlog on a UDP socket', { type: 'datagram', backlog: 5 }, 'backlog'],
      ['remoteFilename on a local listener', { addressFamily: 'local', connect: 'passive', localFilename: '/tmp/x', remoteFilename: '/tmp/y' }, 'remoteFilename'],
      ['encoding on a UDP socket', { type: 'datagram', encoding: 'utf8' }, 'encoding'],
      ['an unknown option', { frobnicate: true } as never, 'frobnicate'],
    ];
    for (const [what, options, name] of cases) {
      it(`${what} is a TypeError naming '${name}'`, async () => {
        const before = openFdCount();
        const err = await rejects(options);
        expect(err.message).to.include(name);
        expect(openFdCount(), 'no fd left behind').to.equal(before);
      });
    }

    it('the message names the kind of socket too', async () => {
      const err = await rejects({ type: 'datagram', localFilename: '/tmp/x' });
      expect(err.message).to.match(/internet datagram/);
    });

    it('a passive local socket without localFilename is a TypeError, and leaks no fd', async () => {
      const before = openFdCount();
      const err = await rejects({ addressFamily: 'local', connect: 'passive' });
      expect(err.message).to.include('localFilename');
      expect(openFdCount()).to.equal(before);
    });

    it('bad values: abstract not boolean, filename not a string, buffer sizes out of range', async () => {
      await rejects({ addressFamily: 'local', remoteFilename: 'x', abstract: 'yes' as never });
      await rejects({ addressFamily: 'local', remoteFilename: 5 as never });
      await rejects({ addressFamily: 'local', type: 'datagram', inputBufferSize: 0 }, RangeError);
      await rejects({ type: 'datagram', broadcast: 1 as never });
    });
  });

  describe('message chunks and addresses of the wrong family', () => {
    it('a filename in a chunk written to a UDP socket is a TypeError', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram' }));
      const err = await writeError(s, { data: Buffer.from('x'), filename: '/tmp/x' });
      expect(err).to.be.instanceOf(TypeError);
      expect(err!.message).to.include('filename');
    });

    it('a host or port in a chunk written to a local datagram socket is a TypeError', async () => {
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      const err = await writeError(a, { data: Buffer.from('x'), host: '127.0.0.1', port: 9 });
      expect(err).to.be.instanceOf(TypeError);
      expect(err!.message).to.include('host');
    });

    it('a chunk that is neither a Buffer nor a message is a TypeError', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram' }));
      const err = await writeError(s, { nodata: true });
      expect(err).to.be.instanceOf(TypeError);
    });

    it('sendTo with remoteFilename on UDP, or remoteHost on a local socket, rejects with a TypeError', async () => {
      const udp = cleanup.add(await makeSocket({ type: 'datagram' }));
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      for (const [s, opts] of [
        [udp, { remoteFilename: '/tmp/x' }],
        [a, { remoteHost: '127.0.0.1', remotePort: 9 }],
      ] as const) {
        let p: Promise<unknown> | undefined;
        expect(() => (p = s.sendTo(Buffer.from('x'), opts))).to.not.throw();
        let err: unknown;
        try {
          await p;
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(TypeError);
      }
    });

    it('fd passing and peer credentials exist only on local sockets', async () => {
      const udp = cleanup.add(await makeSocket({ type: 'datagram' })) as unknown as Record<string, unknown>;
      for (const name of ['sendFileDescriptor', 'receiveFileDescriptor', 'sendMessage', 'receiveMessage', 'peerCredentials']) {
        expect(udp[name], name).to.equal(undefined);
      }
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      for (const name of ['sendFileDescriptor', 'receiveFileDescriptor', 'sendMessage', 'receiveMessage', 'peerCredentials']) {
        expect((a as unknown as Record<string, unknown>)[name], name).to.be.a('function');
      }
    });

    it('receiveMessage / sendMessage validate their options', async () => {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      const la = a as unknown as { receiveMessage(o: object): Promise<unknown>; sendMessage(o: object): Promise<unknown> };
      for (const [call, Cls] of [
        [() => la.receiveMessage({ size: -1 }), RangeError],
        [() => la.receiveMessage({ maxFds: 1.5 }), RangeError],
        [() => la.receiveMessage({ timeout: -5 }), RangeError],
        [() => la.sendMessage({ data: 42 }), TypeError],
        [() => la.sendMessage({ fds: ['x'] }), TypeError],
        [() => la.sendMessage({ remoteFilename: 7 }), TypeError],
      ] as const) {
        let err: unknown;
        try {
          await call();
        } catch (e) {
          err = e;
        }
        expect(err, String(call)).to.be.instanceOf(Cls);
      }
    });
  });

  describe('arguments named in their errors', () => {
    it('receiveFrom size: a TypeError for a non-number, a RangeError naming options.size beyond 2^30', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' })) as unknown as { receiveFrom(o: object): Promise<unknown> };
      for (const [size, Cls] of [['a', TypeError], [2 ** 40, RangeError], [-1, RangeError]] as const) {
        const err = (await s.receiveFrom({ size }).then(() => null, (e: unknown) => e)) as Error;
        expect(err, String(size)).to.be.instanceOf(Cls);
        expect(err.message, String(size)).to.include('"options.size"');
      }
    });

    it('joinMulticastGroup(null) is a TypeError naming group', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' })) as unknown as { joinMulticastGroup(g: unknown): unknown };
      expect(() => s.joinMulticastGroup(null)).to.throw(TypeError, /"group"/);
    });

    it("a Unix path longer than sun_path is a RangeError naming the argument, not the kernel's EINVAL", async () => {
      const long = `/tmp/${'x'.repeat(120)}`;
      const err = await rejects({ addressFamily: 'local', connect: 'passive', localFilename: long }, RangeError);
      expect(err.code).to.equal('ERR_OUT_OF_RANGE');
      expect(err.message).to.include('"localFilename"').and.include('at most 108 bytes');
      const abstractErr = await rejects({ addressFamily: 'local', remoteFilename: 'y'.repeat(108), abstract: true }, RangeError);
      expect(abstractErr.message).to.include('"remoteFilename"').and.include('at most 107 bytes');
      // The longest names still work: 108 bytes of path, 107 of abstract name.
      const edge = `/tmp/${'p'.repeat(103 - String(process.pid).length)}${process.pid}`;
      expect(Buffer.byteLength(edge)).to.equal(108);
      cleanup.path(edge);
      const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: edge }));
      expect((server as unknown as { localFilename: string }).localFilename).to.equal(edge);
    });

    it('a kernel refusal of setOption names the option', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' })) as unknown as { setOption(n: string, v: unknown): unknown };
      let err: unknown;
      try {
        s.setOption('bindToDevice', 'no-such-device0');
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.include('(option bindToDevice)');
    });

    it('messages say "an internet" and "an ipv4" socket', async () => {
      const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' })) as unknown as { fd: number; getOption(n: string): unknown };
      expect(() => s.getOption('tcpNodelay')).to.throw(/does not apply to an ipv4 datagram \(udp\) socket/);
      // The same UDP socket under an fd number no iolib socket owns, passed over a pair.
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      await (a as unknown as { sendFileDescriptor(x: unknown): Promise<void> }).sendFileDescriptor(s);
      const fd = await (b as unknown as { receiveFileDescriptor(): Promise<number> }).receiveFileDescriptor();
      cleanup.add(() => closeSync(fd));
      expect(() => makeSocketFromFd(fd, { connect: 'passive' })).to.throw(TypeError, /does not fit an internet datagram socket/);
    });
  });
});
