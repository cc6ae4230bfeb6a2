/**
 * makeSocket and friends (API.md 2, "Making sockets" and "Every socket"): option validation
 * against IOLib's table, host names and service names, IPv4 and IPv6, withOpenSocket,
 * `await using`, bindAddress, and the accessors and predicates every socket has.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { Ipv4Address, Ipv6Address, InetAddress, IPV4_LOOPBACK } from '../../lib/address/index.js';
import {
  IolibError,
  SocketConnectionRefusedError,
  SocketError,
  SocketStreamInternetActive,
  SocketStreamInternetPassive,
  makeSocket,
  withOpenSocket,
  type AnySocket,
  type MakeSocketOptions,
} from '../../lib/sockets/index.js';
import {
  Cleanup, fdCount, fdTarget, freePort, iolibPair, iolibServer, netConnect, netServer, readAll, rejectsNotThrows, rejectsWith, requireIpv6, until,
} from '../helpers/sockets.js';

type CodedError = Error & { code?: string };

/** makeSocket(options) must reject (not throw) with `Cls` and `code`; returns the error. */
async function badOption(options: unknown, Cls: typeof TypeError | typeof RangeError, code: string): Promise<CodedError> {
  const err = (await rejectsNotThrows(() => makeSocket(options as MakeSocketOptions), Cls)) as CodedError;
  expect(err.code, err.message).to.equal(code);
  return err;
}

/** Services from /etc/services with unprivileged TCP ports, as [name, port]. */
function unprivilegedServices(): [string, number][] {
  const out: [string, number][] = [];
  for (const line of readFileSync('/etc/services', 'latin1').split('\n')) {
    const m = /^([a-z][\w-]*)\s+(\d+)\/tcp\b/i.exec(line);
    if (m && Number(m[2]) >= 1024) out.push([m[1]!, Number(m[2])]);
  }
  return out;
}

/** A service name whose port is free on 127.0.0.1 right now, or null. */
async function freeService(): Promise<[string, number] | null> {
  for (const [name, port] of unprivilegedServices()) {
    const probe = net.createServer();
    try {
      probe.listen(port, '127.0.0.1');
      await once(probe, 'listening');
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return [name, port];
    } catch {
      // in use; try the next
    }
  }
  return null;
}

describe('sockets: makeSocket', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('option validation (IOLib table): TypeErrors naming the option and the kind of socket', function () {
    const misplaced: [MakeSocketOptions, string, string][] = [
      [{ backlog: 5 }, 'backlog', 'internet stream active'],
      [{ connect: 'passive', remoteHost: '127.0.0.1' }, 'remoteHost', 'internet stream passive'],
      [{ connect: 'passive', remotePort: 80 }, 'remotePort', 'internet stream passive'],
      [{ connect: 'passive', keepalive: true }, 'keepalive', 'internet stream passive'],
      [{ addressFamily: 'local', remoteHost: '127.0.0.1' }, 'remoteHost', 'local stream active'],
      [{ addressFamily: 'local', localPort: 80 }, 'localPort', 'local stream active'],
      [{ addressFamily: 'local', connect: 'passive', localFilename: '/tmp/x', nodelay: true }, 'nodelay', 'local stream passive'],
      [{ type: 'datagram', keepalive: true }, 'keepalive', 'internet datagram active'],
      [{ type: 'datagram', nodelay: true }, 'nodelay', 'internet datagram active'],
      [{ type: 'datagram', backlog: 1 }, 'backlog', 'internet datagram active'],
      [{ remoteFilename: '/tmp/x' }, 'remoteFilename', 'internet stream active'],
      [{ localFilename: '/tmp/x' }, 'localFilename', 'internet stream active'],
      [{ broadcast: true }, 'broadcast', 'internet stream active'],
      [{ protocol: 'tcp' }, 'protocol', 'internet stream active'],
      [{ bogus: 1 } as MakeSocketOptions, 'bogus', 'internet stream active'],
    ];
    for (const [options, option, kind] of misplaced) {
      it(`${JSON.stringify(options)}: '${option}' is not an option of a ${kind} socket`, async function () {
        const before = fdCount();
        const err = await rejectsNotThrows(() => makeSocket(options), TypeError);
        expect(err.message).to.include(option).and.include(kind);
        expect(fdCount()).to.equal(before);
      });
    }

    it("type 'datagram' with connect 'passive' is a TypeError", async function () {
      const err = await rejectsNotThrows(() => makeSocket({ type: 'datagram', connect: 'passive' }), TypeError);
      expect(err.message).to.include('datagram').and.include('passive');
    });

    it('kinds that do not exist: internet seqpacket, local raw, raw passive', async function () {
      for (const options of [{ type: 'seqpacket' }, { addressFamily: 'local', type: 'raw' }, { type: 'raw', connect: 'passive' }] as MakeSocketOptions[]) {
        await rejectsNotThrows(() => makeSocket(options), TypeError);
      }
    });

    it('bad values: Node codes, the option named in the message', async function () {
      expect((await badOption({ addressFamily: 'inet' }, TypeError, 'ERR_INVALID_ARG_VALUE')).message).to.include('addressFamily');
      expect((await badOption({ type: 'streams' }, TypeError, 'ERR_INVALID_ARG_VALUE')).message).to.include('type');
      expect((await badOption({ connect: 'listen' }, TypeError, 'ERR_INVALID_ARG_VALUE')).message).to.include('connect');
      expect((await badOption({ ipv6: 'yes' }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('ipv6');
      expect((await badOption({ nodelay: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('nodelay');
      expect((await badOption({ remoteHost: '127.0.0.1', remotePort: 70000 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('remotePort');
      expect((await badOption({ remoteHost: '127.0.0.1', remotePort: -1 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('remotePort');
      expect((await badOption({ remoteHost: '127.0.0.1', remotePort: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('remotePort');
      expect((await badOption({ remoteHost: '127.0.0.1', remotePort: {} }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('remotePort');
      expect((await badOption({ localHost: '127.0.0.1', localPort: 65536 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('localPort');
      expect((await badOption({ connect: 'passive', backlog: -1 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('backlog');
      expect((await badOption({ inputBufferSize: 0 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('inputBufferSize');
      expect((await badOption({ outputBufferSize: 'big' }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('outputBufferSize');
      expect((await badOption({ timeout: -1 }, RangeError, 'ERR_OUT_OF_RANGE')).message).to.include('timeout');
      expect((await badOption({ signal: 'abort' }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('signal');
      expect((await badOption({ addressFamily: 'local', remoteFilename: 5 }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('remoteFilename');
      expect((await badOption({ remoteHost: {} }, TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('remoteHost');
      expect((await badOption({ remotePort: 80 }, TypeError, 'ERR_INVALID_ARG_VALUE')).message).to.include('remotePort');
      await badOption(null, TypeError, 'ERR_INVALID_ARG_TYPE');
      await badOption('tcp', TypeError, 'ERR_INVALID_ARG_TYPE');
    });

    it('an inherited option is checked as an own one, before any fd is made', async function () {
      const before = fdCount();
      const inherited = (proto: object) => Object.assign(Object.create(proto) as MakeSocketOptions, { remoteHost: '127.0.0.1', remotePort: 9 });
      expect((await badOption(inherited({ nodelay: 'x' }), TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('"nodelay"');
      expect((await badOption(inherited({ interface: 5 }), TypeError, 'ERR_INVALID_ARG_TYPE')).message).to.include('"interface"');
      expect(fdCount()).to.equal(before);
    });

    it('an unknown encoding is a TypeError before any fd is made', async function () {
      const before = fdCount();
      const err = await badOption({ encoding: 'klingon' }, TypeError, 'ERR_INVALID_ARG_VALUE');
      expect(err.message).to.include('encoding');
      expect(fdCount()).to.equal(before);
    });

    it('options given as undefined are ignored, as if absent', async function () {
      const s = cleanup.add(await makeSocket({ backlog: undefined, remoteFilename: undefined }));
      expect(s).to.be.instanceOf(SocketStreamInternetActive);
    });

    it('every option is checked before any look-up: a bad port beside an unknown host name is the RangeError', async function () {
      for (const options of [
        { connect: 'passive', localHost: 'no-such-host.invalid', localPort: 70000 },
        { remoteHost: 'no-such-host.invalid', remotePort: -1 },
        { localHost: 'no-such-host.invalid', localPort: 1.5, remoteHost: '127.0.0.1', remotePort: 1 },
      ] as const) {
        const err = await badOption(options, RangeError, 'ERR_OUT_OF_RANGE');
        expect(err.message).to.match(/localPort|remotePort/);
      }
    });

    it('an unknown service name is a typed iolib error', async function () {
      const err = await rejectsNotThrows(() => makeSocket({ remoteHost: '127.0.0.1', remotePort: 'no-such-service-xyz' }), IolibError);
      expect((err as IolibError & { datum?: unknown }).datum).to.equal('no-such-service-xyz');
    });
  });

  describe('host names', function () {
    it("'localhost' resolves and connects", async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({ remoteHost: 'localhost', remotePort: server.localPort! }));
      expect(s.isConnected()).to.equal(true);
      expect(s.remoteHost!.isLoopback()).to.equal(true);
      expect(s.remotePort).to.equal(server.localPort);
    });

    it('a passive socket binds a host name (localhost)', async function () {
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: 'localhost' }));
      expect(server.localHost!.isLoopback()).to.equal(true);
    });

    /**
     * A server on ::1 whose port is refused on 127.0.0.1, for a name that resolves to IPv4
     * then IPv6 ('localhost'): its first address fails and its second connects. Skips when
     * 'localhost' does not resolve that way here.
     */
    async function refusedThenListening(ctx: Mocha.Context): Promise<SocketStreamInternetPassive> {
      await requireIpv6(ctx);
      const { lookupHostname } = await import('../../lib/dns/index.js');
      const entry = await lookupHostname('localhost', { ipv6: true });
      const all = [entry.address, ...entry.addresses];
      if (!(all.length >= 2 && all[0] instanceof Ipv4Address && all.some((a) => a instanceof Ipv6Address))) {
        console.log(`      (skipped: 'localhost' resolves to ${all.join(', ')} here, not IPv4 then IPv6)`);
        ctx.skip();
      }
      let server: SocketStreamInternetPassive | undefined;
      for (let i = 0; i < 5 && !server; i++) {
        const candidate = await iolibServer(cleanup, '::1');
        const refused = await makeSocket({ remoteHost: '127.0.0.1', remotePort: candidate.localPort! }).then(
          (s) => (cleanup.add(s), false),
          (err: unknown) => err instanceof SocketConnectionRefusedError,
        );
        if (refused) server = candidate;
      }
      expect(server, 'no port free on 127.0.0.1 next to a ::1 listener').to.not.equal(undefined);
      return server!;
    }

    it("each address a name resolves to is tried in turn: 'localhost' with only ::1 listening", async function () {
      const server = await refusedThenListening(this);
      const port = server.localPort!;
      const before = fdCount();
      const s = cleanup.add(await makeSocket({ remoteHost: 'localhost', remotePort: port }));
      expect(s.ipv6).to.equal(true);
      expect(s.remoteHost!.toString()).to.equal('::1');
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(s.localPort);
      // The refused IPv4 attempt left no fd behind: just the one socket was added.
      expect(fdCount()).to.equal(before + 2);
    });

    it("connect() on a stream socket tries each address in turn too, on the same socket: 'localhost' with only ::1 listening", async function () {
      // makeSocket and connect share one policy; connect() on a stream socket used to stop at
      // the first refused address.
      const server = await refusedThenListening(this);
      const s = cleanup.add(await makeSocket({ ipv6: true }));
      const fd = s.fd;
      let connects = 0;
      s.on('connect', () => connects++);
      expect(await s.connect('localhost', { port: server.localPort! })).to.equal(s);
      expect(s.fd).to.equal(fd);
      expect(s.remoteHost!.toString()).to.equal('::1');
      expect(connects).to.equal(1);
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(s.localPort);
      s.write('over the second address');
      s.end();
      expect((await readAll(conn)).toString()).to.equal('over the second address');
    });

    it('ipv6: false restricts a name to its IPv4 addresses', async function () {
      await requireIpv6(this);
      const server = await iolibServer(cleanup, '::1');
      await rejectsWith(makeSocket({ remoteHost: 'localhost', remotePort: server.localPort!, ipv6: false }), SocketConnectionRefusedError);
    });

    it('when every address fails, the last failure is reported', async function () {
      const port = await freePort();
      const err = await rejectsWith(makeSocket({ remoteHost: 'localhost', remotePort: port }), SocketConnectionRefusedError);
      expect(err.syscall).to.equal('connect');
    });
  });

  describe('service names as ports', function () {
    it("remotePort 'http' means port 80 (resolved, then refused or answered there)", async function () {
      // Nothing is assumed to listen on port 80: either way the connect went to port 80.
      const port80Listener = await netConnect('127.0.0.1', 80).then((c) => (c.destroy(), true), () => false);
      if (port80Listener) {
        const s = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: 'http' }));
        expect(s.remotePort).to.equal(80);
      } else {
        await rejectsWith(makeSocket({ remoteHost: '127.0.0.1', remotePort: 'http' }), SocketConnectionRefusedError);
      }
    });

    it('a service name with a free unprivileged port: localPort and remotePort resolve to its number', async function () {
      const found = await freeService();
      if (!found) {
        console.log('      (skipped: no unprivileged service port of /etc/services is free here)');
        this.skip();
      }
      const [name, port] = found!;
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: name }));
      expect(server.localPort).to.equal(port);
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: name }));
      expect(client.remotePort).to.equal(port);
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(client.localPort);
    });

    it('a port given as a string of digits is that number', async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: String(server.localPort) }));
      expect(s.remotePort).to.equal(server.localPort);
    });
  });

  describe('IPv4 and IPv6', function () {
    it('IPv4: addresses are Ipv4Address, ipv6 is false', async function () {
      const { client, conn, server } = await iolibPair(cleanup, '127.0.0.1');
      for (const s of [client, conn, server]) expect(s.ipv6).to.equal(false);
      expect(client.localHost).to.be.instanceOf(Ipv4Address);
      expect(client.remoteHost).to.be.instanceOf(Ipv4Address);
    });

    it('IPv6 (::1): connect, echo, addresses are Ipv6Address, ipv6 is true', async function () {
      await requireIpv6(this);
      const { client, conn, server } = await iolibPair(cleanup, '::1');
      for (const s of [client, conn, server]) expect(s.ipv6).to.equal(true);
      expect(server.localHost!.toString()).to.equal('::1');
      expect(client.remoteHost).to.be.instanceOf(Ipv6Address);
      expect(client.remoteHost!.toString()).to.equal('::1');
      expect(conn.remotePort).to.equal(client.localPort);
      client.end('over ipv6');
      expect((await readAll(conn)).toString()).to.equal('over ipv6');
    });

    it('IPv6 with node:net on the other end, both ways', async function () {
      await requireIpv6(this);
      const server = cleanup.add(await netServer('::1', (s) => s.pipe(s)));
      const client = cleanup.add(await makeSocket({ remoteHost: '::1', remotePort: server.port }));
      client.end('v6 echo');
      expect((await readAll(client)).toString()).to.equal('v6 echo');
      const iolib = await iolibServer(cleanup, '::1');
      const c = cleanup.add(await netConnect('::1', iolib.localPort!));
      const conn = cleanup.add((await iolib.acceptConnection())!);
      expect(conn.remoteHost!.toString()).to.equal('::1');
      expect(conn.remotePort).to.equal(c.localPort);
    });

    it('an IPv6 socket reaches 127.0.0.1 through an IPv4-mapped address', async function () {
      await requireIpv6(this);
      const server = await iolibServer(cleanup, '127.0.0.1');
      const s = cleanup.add(await makeSocket({ ipv6: true, remoteHost: '127.0.0.1', remotePort: server.localPort! }));
      expect(s.ipv6).to.equal(true);
      expect(s.remoteHost!.toString()).to.equal('::ffff:127.0.0.1');
      expect(s.remotePort).to.equal(server.localPort);
    });

    it('an IPv6 address with ipv6: false is a TypeError', async function () {
      await rejectsNotThrows(() => makeSocket({ remoteHost: '::1', remotePort: 1, ipv6: false }), TypeError);
    });
  });

  describe('withOpenSocket', function () {
    it('runs the function with the socket and closes it afterwards', async function () {
      const server = await iolibServer(cleanup);
      let seen: AnySocket | undefined;
      const result = await withOpenSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }, async (s) => {
        seen = s;
        expect(s.isOpen()).to.equal(true);
        expect(s.isConnected()).to.equal(true);
        return 'result';
      });
      expect(result).to.equal('result');
      expect(seen!.isOpen()).to.equal(false);
    });

    it('closes the socket when the function throws, and rethrows', async function () {
      const server = await iolibServer(cleanup);
      let seen: AnySocket | undefined;
      const boom = new Error('boom');
      const err = await rejectsWith(
        withOpenSocket({ connect: 'passive', localHost: '127.0.0.1' }, (s) => {
          seen = s;
          throw boom;
        }),
        Error,
      );
      expect(err).to.equal(boom);
      expect(seen!.isOpen()).to.equal(false);
      void server;
    });

    for (const fnThrows of [false, true]) {
      it(`a close whose flush meets a reset ${fnThrows ? 'does not mask the function\'s own error' : 'rejects withOpenSocket, though the function succeeded'}`, async function () {
        let peer!: net.Socket;
        const server = cleanup.add(await netServer('127.0.0.1', (s) => {
          peer = s;
          s.pause(); // reads nothing: the flush waits, then meets the reset below
          s.on('error', () => {});
        }));
        const own = new Error('the function failed');
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => (wrote = resolve));
        const running = withOpenSocket({ remoteHost: '127.0.0.1', remotePort: server.port }, async (s) => {
          s.write(Buffer.alloc(32 * 1024 * 1024));
          wrote();
          if (fnThrows) throw own;
          return 'done';
        });
        // The reset comes once the function has run: its close() is flushing then.
        await written;
        await until(() => peer !== undefined, 2000, 'the accept');
        peer.resetAndDestroy();
        const err = await running.then(() => null, (e: unknown) => e);
        if (fnThrows) expect(err).to.equal(own);
        else expect(err).to.be.instanceOf(SocketError);
      });
    }

    it('rejects without calling the function when the socket cannot be made', async function () {
      const port = await freePort();
      let called = false;
      await rejectsWith(withOpenSocket({ remoteHost: '127.0.0.1', remotePort: port }, () => (called = true)), SocketConnectionRefusedError);
      expect(called).to.equal(false);
    });

    it('rejects (not throws) a non-function', async function () {
      await rejectsNotThrows(() => withOpenSocket({}, 5 as unknown as () => void), TypeError);
    });
  });

  describe('await using / Symbol.asyncDispose', function () {
    it('closes active and passive sockets at the end of the block', async function () {
      let server: SocketStreamInternetPassive | undefined;
      let client: SocketStreamInternetActive | undefined;
      {
        await using s = await makeSocket({ connect: 'passive', localHost: '127.0.0.1' });
        await using c = await makeSocket({ remoteHost: '127.0.0.1', remotePort: s.localPort! });
        server = s;
        client = c;
        expect(s.isOpen() && c.isOpen()).to.equal(true);
      }
      expect(server.isOpen()).to.equal(false);
      expect(client.isOpen()).to.equal(false);
    });

    it('closes on a throw out of the block too', async function () {
      let server: SocketStreamInternetPassive | undefined;
      try {
        await using s = await makeSocket({ connect: 'passive', localHost: '127.0.0.1' });
        server = s;
        throw new Error('leaving');
      } catch (err) {
        expect((err as Error).message).to.equal('leaving');
      }
      expect(server!.isOpen()).to.equal(false);
    });

    it('[Symbol.asyncDispose] is close (flushes like close())', async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.write(Buffer.alloc(1 << 20, 7));
      const reading = readAll(conn);
      await client[Symbol.asyncDispose]();
      expect(client.isOpen()).to.equal(false);
      expect((await reading).length).to.equal(1 << 20);
    });
  });

  describe('bindAddress and local addresses', function () {
    it('bindAddress on an unconnected active socket, then connect: the server sees that port', async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({}));
      expect(s.isConnected()).to.equal(false);
      expect(s.bindAddress('127.0.0.1', { port: 0 })).to.equal(s);
      const port = s.localPort!;
      expect(port).to.be.greaterThan(0);
      expect(s.localHost!.toString()).to.equal('127.0.0.1');
      expect(await s.connect('127.0.0.1', { port: server.localPort! })).to.equal(s);
      expect(s.isConnected()).to.equal(true);
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(port);
    });

    it('bindAddress takes Address objects, vectors and integers', async function () {
      for (const designator of [IPV4_LOOPBACK, new Uint8Array([127, 0, 0, 1]), 0x7f000001]) {
        const s = cleanup.add(await makeSocket({}));
        s.bindAddress(designator as InetAddress);
        expect(s.localHost!.toString()).to.equal('127.0.0.1');
      }
    });

    it('bindAddress validates: host names are refused, ports range-checked', async function () {
      const s = cleanup.add(await makeSocket({}));
      expect(() => s.bindAddress('localhost')).to.throw(TypeError);
      expect(() => s.bindAddress('127.0.0.1', { port: 70000 })).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => s.bindAddress('127.0.0.1', null as unknown as object)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    });

    it("makeSocket's localHost/localPort bind an active socket before it connects", async function () {
      const server = await iolibServer(cleanup);
      const port = await freePort();
      const s = cleanup.add(await makeSocket({ localHost: '127.0.0.1', localPort: port, remoteHost: '127.0.0.1', remotePort: server.localPort! }));
      expect(s.localPort).to.equal(port);
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(port);
    });
  });

  describe('accessors and predicates', function () {
    it('of a connected socket agree with the kernel and with a node:net peer', async function () {
      let peer!: net.Socket;
      const server = cleanup.add(await netServer('127.0.0.1', (p) => (peer = p)));
      const s = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }));
      expect(s.fd).to.be.a('number').and.at.least(0);
      expect(Number.isInteger(s.fd)).to.equal(true);
      expect(fdTarget(s.fd)).to.match(/^socket:\[\d+\]$/);
      expect(s.addressFamily).to.equal('internet');
      expect(s.ipv6).to.equal(false);
      expect(s.type).to.equal('stream');
      expect(s.protocol).to.equal('tcp');
      expect(s.isOpen()).to.equal(true);
      expect(s.isConnected()).to.equal(true);
      const local = s.localName() as { host: InetAddress; port: number };
      const remote = s.remoteName() as { host: InetAddress; port: number };
      expect(local.host).to.be.instanceOf(Ipv4Address);
      expect(local.host.toString()).to.equal('127.0.0.1');
      expect(remote.port).to.equal(server.port);
      expect(s.localHost!.toString()).to.equal(local.host.toString());
      expect(s.localPort).to.equal(local.port);
      expect(s.remoteHost!.toString()).to.equal('127.0.0.1');
      expect(s.remotePort).to.equal(server.port);
      // The peer sees the same connection from its side.
      await new Promise<void>((resolve) => (peer ? resolve() : server.once('connection', () => resolve())));
      expect(peer.remotePort).to.equal(s.localPort);
      expect(peer.localPort).to.equal(s.remotePort);
    });

    it('of an unconnected active socket', async function () {
      const s = cleanup.add(await makeSocket({}));
      expect(s.isOpen()).to.equal(true);
      expect(s.isConnected()).to.equal(false);
      expect(s.localPort).to.equal(0);
      expect(s.remoteHost).to.equal(undefined);
      expect(s.remotePort).to.equal(undefined);
    });

    it('isConnected() turns false once the socket is closed', async function () {
      const { client } = await iolibPair(cleanup);
      expect(client.isConnected()).to.equal(true);
      await client.close();
      expect(client.isConnected()).to.equal(false);
      expect(client.isOpen()).to.equal(false);
    });
  });
});
