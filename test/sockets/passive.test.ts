/**
 * Passive sockets (API.md 2, "Passive sockets"): listenOn, acceptConnection with wait,
 * timeout and signal, withAcceptConnection, and `for await` over a server.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import {
  AbortError,
  SocketAddressInUseError,
  SocketClosedError,
  SocketStreamInternetActive,
  SocketStreamInternetPassive,
  makeSocket,
  withAcceptConnection,
} from '../../lib/sockets/index.js';
import { Cleanup, fdCount, iolibServer, netConnect, readAll, rejectsNotThrows, rejectsWith, requireIpv6, turn } from '../helpers/sockets.js';

describe('sockets: passive sockets', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('makeSocket({ connect: "passive" }) and listenOn', function () {
    it('binds, listens and reports its address', async function () {
      const server = await iolibServer(cleanup);
      expect(server).to.be.instanceOf(SocketStreamInternetPassive);
      expect(server.isListening()).to.equal(true);
      expect(server.isConnected()).to.equal(false);
      expect(server.isOpen()).to.equal(true);
      expect(server.localHost!.toString()).to.equal('127.0.0.1');
      expect(server.localPort).to.be.a('number').greaterThan(0);
      expect(server.getOption('acceptConnections')).to.equal(true);
      expect(server.getOption('reuseAddress')).to.equal(true); // default when binding
    });

    it('listenOn() returns the socket and may be called again to change the backlog', async function () {
      const server = await iolibServer(cleanup);
      expect(server.listenOn({ backlog: 3 })).to.equal(server);
      expect(server.listenOn()).to.equal(server);
      expect(server.isListening()).to.equal(true);
      const c = cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
      expect(conn.remotePort).to.equal(c.localPort);
    });

    it('listenOn() validates its backlog', async function () {
      const server = await iolibServer(cleanup);
      expect(() => server.listenOn({ backlog: -1 })).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => server.listenOn({ backlog: 'x' as unknown as number })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    });

    it('a second listener on the same port fails with SocketAddressInUseError (EADDRINUSE), and its fd is not leaked', async function () {
      const server = await iolibServer(cleanup);
      const before = fdCount();
      const err = await rejectsWith(makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: server.localPort! }), SocketAddressInUseError);
      expect(fdCount()).to.equal(before);
      expect(err.code).to.equal('EADDRINUSE');
      expect(err.syscall).to.equal('bind');
      expect(err.errno).to.equal(98);
    });

    it('a port in use by node:net is also EADDRINUSE', async function () {
      const other = net.createServer().listen(0, '127.0.0.1');
      cleanup.add(other);
      await once(other, 'listening');
      const port = (other.address() as net.AddressInfo).port;
      await rejectsWith(makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: port, reuseAddress: false }), SocketAddressInUseError);
    });

    it('reuseAddress: false is honoured', async function () {
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', reuseAddress: false }));
      expect(server.getOption('reuseAddress')).to.equal(false);
    });
  });

  describe('ipv6Only', function () {
    it("a '::' listener with ipv6Only shares its port with a '0.0.0.0' one; each hears its own family", async function () {
      await requireIpv6(this);
      const v4 = cleanup.add(await makeSocket({ connect: 'passive', localHost: '0.0.0.0', localPort: 0 }));
      const port = v4.localPort!;
      const dual = readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim() === '0';
      if (dual) {
        // Without it (the system's default here), '::' takes IPv4 too, so the port is taken.
        await rejectsWith(makeSocket({ connect: 'passive', localHost: '::', localPort: port }), SocketAddressInUseError);
      }
      const v6 = cleanup.add(await makeSocket({ connect: 'passive', localHost: '::', localPort: port, ipv6Only: true }));
      expect(v6.getOption('ipv6V6Only')).to.equal(true);
      for (const [host, listener] of [['127.0.0.1', v4], ['::1', v6]] as const) {
        const accepting = listener.acceptConnection();
        const client = cleanup.add(await netConnect(host, port));
        const conn = cleanup.add((await accepting)!);
        expect(conn.remoteAddress).to.equal(host);
        client.destroy();
      }
    });

    it('ipv6Only on an IPv4 socket is a TypeError naming it; false is allowed', async function () {
      const err = await rejectsWith(makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, ipv6Only: true }), TypeError);
      expect(err.message).to.include('ipv6Only');
      cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', ipv6Only: false }));
    });
  });

  describe('acceptConnection', function () {
    it('accepts a node:net client; the connection knows both ends', async function () {
      const server = await iolibServer(cleanup);
      const c = cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const conn = cleanup.add((await server.acceptConnection())!);
      expect(conn).to.be.instanceOf(SocketStreamInternetActive);
      expect(conn.isConnected()).to.equal(true);
      expect(conn.remoteHost!.toString()).to.equal('127.0.0.1');
      expect(conn.remotePort).to.equal(c.localPort);
      expect(conn.localPort).to.equal(server.localPort);
      c.end('hello');
      expect((await readAll(conn)).toString()).to.equal('hello');
    });

    it('wait: false answers null at once when nothing is pending, and the connection when one is', async function () {
      const server = await iolibServer(cleanup);
      expect(await server.acceptConnection({ wait: false })).to.equal(null);
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      // The handshake is complete once connect resolves, so the connection is queued.
      const conn = await server.acceptConnection({ wait: false });
      expect(conn).to.be.instanceOf(SocketStreamInternetActive);
      cleanup.add(conn!);
    });

    it('timeout: resolves null after about that long when nobody connects', async function () {
      const server = await iolibServer(cleanup);
      const started = Date.now();
      expect(await server.acceptConnection({ timeout: 100 })).to.equal(null);
      const took = Date.now() - started;
      expect(took).to.be.at.least(90).and.below(2000);
    });

    it('timeout: a connection arriving in time is accepted', async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection({ timeout: 5000 });
      await turn();
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const conn = await accepting;
      expect(conn).to.be.instanceOf(SocketStreamInternetActive);
      cleanup.add(conn!);
    });

    it('signal: aborting rejects with AbortError (code ABORT_ERR, cause = the reason)', async function () {
      const server = await iolibServer(cleanup);
      const ac = new AbortController();
      const accepting = server.acceptConnection({ signal: ac.signal });
      await turn();
      const reason = new Error('stop it');
      ac.abort(reason);
      const err = await rejectsWith(accepting, Error);
      expect(err.name).to.equal('AbortError');
      expect((err as AbortError).code).to.equal('ABORT_ERR');
      expect(err.cause).to.equal(reason);
      // The server still works afterwards.
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
    });

    it('signal: an already aborted signal rejects at once', async function () {
      const server = await iolibServer(cleanup);
      const err = await rejectsNotThrows(() => server.acceptConnection({ signal: AbortSignal.abort('early') }), Error);
      expect(err.name).to.equal('AbortError');
      expect((err as AbortError).code).to.equal('ABORT_ERR');
      expect(err.cause).to.equal('early');
    });

    it('passes inputBufferSize, outputBufferSize and encoding to the accepted socket', async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection({ inputBufferSize: 1234, outputBufferSize: 4321, encoding: 'utf8' });
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const conn = cleanup.add((await accepting)!);
      expect(conn.inputBufferSize).to.equal(1234);
      expect(conn.outputBufferSize).to.equal(4321);
      expect(conn.encoding).to.equal('utf8');
    });

    it("makeSocket's encoding and buffer sizes on a passive socket are the accepted sockets' defaults (IOLib's external format)", async function () {
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', encoding: 'utf8', inputBufferSize: 2048, outputBufferSize: 1024 }));
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const a = cleanup.add((await server.acceptConnection())!);
      expect(a.encoding).to.equal('utf8');
      expect(a.inputBufferSize).to.equal(2048);
      expect(a.outputBufferSize).to.equal(1024);
      const b = cleanup.add((await server.acceptConnection({ encoding: 'latin1', inputBufferSize: 100 }))!);
      expect(b.encoding).to.equal('latin1');
      expect(b.inputBufferSize).to.equal(100);
      expect(b.outputBufferSize).to.equal(1024);
    });

    it('rejects bad options (never throwing synchronously)', async function () {
      const server = await iolibServer(cleanup);
      expect((await rejectsNotThrows(() => server.acceptConnection({ wait: 'no' as unknown as boolean }), TypeError) as TypeError & { code: string }).code).to.equal('ERR_INVALID_ARG_TYPE');
      expect((await rejectsNotThrows(() => server.acceptConnection({ timeout: -5 }), RangeError) as RangeError & { code: string }).code).to.equal('ERR_OUT_OF_RANGE');
      expect((await rejectsNotThrows(() => server.acceptConnection({ signal: {} as AbortSignal }), TypeError) as TypeError & { code: string }).code).to.equal('ERR_INVALID_ARG_TYPE');
      expect((await rejectsNotThrows(() => server.acceptConnection({ inputBufferSize: 0 }), RangeError) as RangeError & { code: string }).code).to.equal('ERR_OUT_OF_RANGE');
      expect((await rejectsNotThrows(() => server.acceptConnection(null as unknown as object), TypeError) as TypeError & { code: string }).code).to.equal('ERR_INVALID_ARG_TYPE');
    });

    it('an unknown encoding rejects before accepting: no fd leaks, the connection stays queued', async function () {
      const server = await iolibServer(cleanup);
      const c = cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      const before = fdCount();
      const err = await rejectsNotThrows(() => server.acceptConnection({ encoding: 'klingon' as BufferEncoding }), TypeError);
      expect((err as TypeError & { code: string }).code).to.equal('ERR_INVALID_ARG_VALUE');
      expect(fdCount()).to.equal(before);
      const conn = cleanup.add((await server.acceptConnection({ wait: false }))!);
      expect(conn.remotePort).to.equal(c.localPort);
    });

    it('close() while an accept is pending rejects it with SocketClosedError', async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection();
      const timed = server.acceptConnection({ timeout: 10000 });
      await turn();
      await server.close();
      const err = await rejectsWith(accepting, SocketClosedError);
      expect(err.code).to.equal('ERR_SOCKET_CLOSED');
      await rejectsWith(timed, SocketClosedError);
      expect(server.fd).to.equal(-1);
      expect(server.isListening()).to.equal(false);
    });

    it('accepts every queued connection, each exactly once', async function () {
      const server = await iolibServer(cleanup);
      const clients = [];
      for (let i = 0; i < 20; i++) clients.push(cleanup.add(await netConnect('127.0.0.1', server.localPort!)));
      const ports = new Set(clients.map((c) => c.localPort));
      for (let i = 0; i < 20; i++) {
        const conn = cleanup.add((await server.acceptConnection({ timeout: 2000 }))!);
        expect(ports.delete(conn.remotePort!)).to.equal(true);
      }
      expect(ports.size).to.equal(0);
    });
  });

  describe('withAcceptConnection', function () {
    it('runs the function with the connection and closes it afterwards', async function () {
      const server = await iolibServer(cleanup);
      const c = cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      let seen: SocketStreamInternetActive | undefined;
      const result = await withAcceptConnection(server, {}, async (conn) => {
        seen = conn;
        expect(conn.isOpen()).to.equal(true);
        conn.write('hi');
        return 42;
      });
      expect(result).to.equal(42);
      expect(seen!.isOpen()).to.equal(false);
      // The close flushed 'hi' before the FIN.
      expect((await readAll(c)).toString()).to.equal('hi');
    });

    it('closes the connection when the function throws, and rethrows', async function () {
      const server = await iolibServer(cleanup);
      cleanup.add(await netConnect('127.0.0.1', server.localPort!));
      let seen: SocketStreamInternetActive | undefined;
      const boom = new Error('boom');
      const err = await rejectsWith(
        withAcceptConnection(server, {}, (conn) => {
          seen = conn;
          throw boom;
        }),
        Error,
      );
      expect(err).to.equal(boom);
      expect(seen!.isOpen()).to.equal(false);
    });

    it('answers null, without calling the function, when no connection comes in time', async function () {
      const server = await iolibServer(cleanup);
      let called = false;
      const r = await withAcceptConnection(server, { timeout: 50 }, () => {
        called = true;
      });
      expect(r).to.equal(null);
      expect(called).to.equal(false);
    });

    it('rejects bad arguments with TypeError', async function () {
      const server = await iolibServer(cleanup);
      await rejectsNotThrows(() => withAcceptConnection(server, {}, 'nope' as unknown as () => void), TypeError);
      await rejectsNotThrows(() => withAcceptConnection({} as unknown as Parameters<typeof withAcceptConnection>[0], {}, () => {}), TypeError);
    });
  });

  describe('for await (const conn of server)', function () {
    it('yields each connection and ends when the server closes', async function () {
      const server = await iolibServer(cleanup);
      const seen: number[] = [];
      const loop = (async () => {
        for await (const conn of server) {
          cleanup.add(conn);
          seen.push(conn.remotePort!);
          if (seen.length === 3) void server.close();
        }
        return 'ended';
      })();
      const clients = [];
      for (let i = 0; i < 3; i++) clients.push(cleanup.add(await netConnect('127.0.0.1', server.localPort!)));
      expect(await loop).to.equal('ended');
      expect(seen.sort()).to.deep.equal(clients.map((c) => c.localPort).sort());
    });

    it('ends a loop that is waiting when the server is closed from outside', async function () {
      const server = await iolibServer(cleanup);
      const loop = (async () => {
        let n = 0;
        for await (const conn of server) {
          cleanup.add(conn);
          n++;
        }
        return n;
      })();
      await turn();
      await server.close();
      expect(await loop).to.equal(0);
    });

    it('an iolib server echoes to many iolib clients at once', async function () {
      const server = await iolibServer(cleanup);
      const serving = (async () => {
        for await (const conn of server) {
          cleanup.add(conn);
          conn.pipe(conn);
        }
      })();
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const c = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
          c.end(`client ${i}`);
          return (await readAll(c)).toString();
        }),
      );
      expect(results).to.deep.equal(Array.from({ length: 10 }, (_, i) => `client ${i}`));
      await server.close();
      await serving;
    });
  });
});
