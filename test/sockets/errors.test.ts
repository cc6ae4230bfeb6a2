/**
 * API.md 2.2: the error hierarchy, and the typed errors real failures produce: refused
 * connects, address in use, closed sockets, connect timeouts and aborts, and closing while
 * an operation waits.
 */
import { expect } from 'chai';
import { pbkdf2 } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import * as errorsModule from '../../lib/errors.js';
import * as sockets from '../../lib/sockets/index.js';
import {
  AbortError,
  AddressParseError,
  IolibError,
  PollTimeoutError,
  SocketAccessDeniedError,
  SocketAddressFamilyNotSupportedError,
  SocketAddressInUseError,
  SocketAddressNotAvailableError,
  SocketAlreadyConnectedError,
  SocketClosedError,
  SocketConnectionAbortedError,
  SocketConnectionRefusedError,
  SocketConnectionResetError,
  SocketConnectionTimeoutError,
  SocketEndpointShutdownError,
  SocketError,
  SocketHostDownError,
  SocketHostUnreachableError,
  SocketNetworkDownError,
  SocketNetworkResetError,
  SocketNetworkUnreachableError,
  SocketNoBufferSpaceError,
  SocketNotConnectedError,
  SocketOperationNotSupportedError,
  SocketOptionNotSupportedError,
  SocketProtocolNotSupportedError,
  SocketTypeNotSupportedError,
  SyscallError,
  makeSocket,
  type SocketStreamInternetPassive,
} from '../../lib/sockets/index.js';
import { socketErrorFor } from '../../lib/sockets/syscall.js';
import {
  Cleanup, fdCount, freePort, hangingPort, iolibPair, iolibServer, payload, rejectsNotThrows, rejectsWith, throwsWith, turn,
} from '../helpers/sockets.js';

/** errno numbers: node:os lists libuv's subset; the three others IOLib names are Linux's here. */
const ERRNO: Record<string, number> = { ESOCKTNOSUPPORT: 94, ESHUTDOWN: 108, EHOSTDOWN: 112, ...(osConstants.errno as Record<string, number>) };

/** API.md 2.2: each subclass and the errno names it stands for. */
const BY_CODE: [string, typeof SocketError][] = [
  ['EADDRINUSE', SocketAddressInUseError],
  ['EADDRNOTAVAIL', SocketAddressNotAvailableError],
  ['EAFNOSUPPORT', SocketAddressFamilyNotSupportedError],
  ['EISCONN', SocketAlreadyConnectedError],
  ['ECONNABORTED', SocketConnectionAbortedError],
  ['ECONNREFUSED', SocketConnectionRefusedError],
  ['ECONNRESET', SocketConnectionResetError],
  ['ETIMEDOUT', SocketConnectionTimeoutError],
  ['EPIPE', SocketEndpointShutdownError],
  ['ESHUTDOWN', SocketEndpointShutdownError],
  ['EHOSTDOWN', SocketHostDownError],
  ['EHOSTUNREACH', SocketHostUnreachableError],
  ['ENETDOWN', SocketNetworkDownError],
  ['ENETRESET', SocketNetworkResetError],
  ['ENETUNREACH', SocketNetworkUnreachableError],
  ['ENOBUFS', SocketNoBufferSpaceError],
  ['ENOTCONN', SocketNotConnectedError],
  ['EOPNOTSUPP', SocketOperationNotSupportedError],
  ['ENOPROTOOPT', SocketOptionNotSupportedError],
  ['EPROTONOSUPPORT', SocketProtocolNotSupportedError],
  ['ESOCKTNOSUPPORT', SocketTypeNotSupportedError],
  ['EACCES', SocketAccessDeniedError],
  ['EPERM', SocketAccessDeniedError],
];

/** Checks the shape every SocketError has. */
function checkSocketError(err: unknown, Cls: typeof SocketError, code: string, syscall: string): void {
  expect(err).to.be.instanceOf(Cls);
  expect(err).to.be.instanceOf(SocketError).and.instanceOf(SyscallError).and.instanceOf(IolibError).and.instanceOf(Error);
  const e = err as SocketError;
  expect(e.code).to.equal(code);
  expect(e.errno).to.equal(ERRNO[code]);
  expect(e.syscall).to.equal(syscall);
  expect(e.name).to.equal(Cls.name);
  expect(e.message).to.be.a('string').and.not.equal('');
  expect(e.stack).to.be.a('string');
}

describe('sockets: errors (API.md 2.2)', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('the hierarchy', function () {
    it('IolibError > SyscallError > SocketError > each specific class', function () {
      expect(Object.getPrototypeOf(SyscallError)).to.equal(IolibError);
      expect(Object.getPrototypeOf(SocketError)).to.equal(SyscallError);
      expect(Object.getPrototypeOf(IolibError)).to.equal(Error);
      for (const [, Cls] of BY_CODE) expect(Object.getPrototypeOf(Cls), Cls.name).to.equal(SocketError);
      expect(Object.getPrototypeOf(SocketClosedError)).to.equal(SocketError);
    });

    it('maps each errno name to its class, with code, errno and syscall (socketErrorFor)', function () {
      for (const [code, Cls] of BY_CODE) {
        const err = socketErrorFor(code, 'connect');
        checkSocketError(err, Cls, code, 'connect');
        expect(err.errno, code).to.be.greaterThan(0);
      }
    });

    it('an errno IOLib does not name is a plain SocketError', function () {
      const err = socketErrorFor('EINVAL', 'bind');
      expect(err.constructor).to.equal(SocketError);
      expect(err.code).to.equal('EINVAL');
      expect(err.errno).to.equal(ERRNO.EINVAL);
    });

    it('the classes can be constructed directly: (code, syscall, message?)', function () {
      const err = new SocketConnectionRefusedError('ECONNREFUSED', 'connect', 'custom message');
      checkSocketError(err, SocketConnectionRefusedError, 'ECONNREFUSED', 'connect');
      expect(err.message).to.equal('custom message');
    });

    it('SocketClosedError: code ERR_SOCKET_CLOSED, a SocketError', function () {
      const err = new SocketClosedError('read');
      expect(err).to.be.instanceOf(SocketError).and.instanceOf(SyscallError).and.instanceOf(IolibError);
      expect(err.code).to.equal('ERR_SOCKET_CLOSED');
      expect(err.syscall).to.equal('read');
      expect(err.name).to.equal('SocketClosedError');
    });

    it('PollTimeoutError is an IolibError with the wait it ended', function () {
      const err = new PollTimeoutError('connect', 250);
      expect(err).to.be.instanceOf(IolibError).and.instanceOf(Error);
      expect(err).not.to.be.instanceOf(SocketError);
      expect(err.timeout).to.equal(250);
      expect(err.event).to.equal('connect');
      expect(err.name).to.equal('PollTimeoutError');
    });

    it('AddressParseError is an IolibError with datum', function () {
      const err = new AddressParseError('1.2.3.999');
      expect(err).to.be.instanceOf(IolibError);
      expect(err.datum).to.equal('1.2.3.999');
    });

    it('iolib/sockets re-exports the very classes of the errors module', function () {
      for (const [name, value] of Object.entries(errorsModule)) {
        expect((sockets as Record<string, unknown>)[name], name).to.equal(value);
      }
    });
  });

  describe('real failures are typed', function () {
    it('connect to a port nobody listens on: SocketConnectionRefusedError (ECONNREFUSED, connect)', async function () {
      const port = await freePort();
      const before = fdCount();
      const err = await rejectsNotThrows(() => makeSocket({ remoteHost: '127.0.0.1', remotePort: port }), SocketConnectionRefusedError);
      checkSocketError(err, SocketConnectionRefusedError, 'ECONNREFUSED', 'connect');
      expect(fdCount()).to.equal(before);
    });

    it('connect() on an unconnected socket to a refusing port is also ECONNREFUSED, and the socket stays usable to close', async function () {
      const port = await freePort();
      const s = cleanup.add(await makeSocket({}));
      const err = await rejectsWith(s.connect('127.0.0.1', { port }), SocketConnectionRefusedError);
      expect(err.syscall).to.equal('connect');
      expect(s.isConnected()).to.equal(false);
      await s.close();
      expect(s.fd).to.equal(-1);
    });

    it('binding a port in use: SocketAddressInUseError (EADDRINUSE, bind)', async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const err = throwsWith(() => s.bindAddress('127.0.0.1', { port: server.localPort!, reuseAddress: false }), SocketAddressInUseError);
      checkSocketError(err, SocketAddressInUseError, 'EADDRINUSE', 'bind');
    });

    it('binding an address this host does not have: SocketAddressNotAvailableError (EADDRNOTAVAIL)', async function () {
      // A local bind(2) only; nothing is sent anywhere.
      const err = await rejectsWith(makeSocket({ connect: 'passive', localHost: '192.0.2.1', localPort: 0 }), SocketAddressNotAvailableError);
      checkSocketError(err, SocketAddressNotAvailableError, 'EADDRNOTAVAIL', 'bind');
    });

    it('an IPv6 address on an IPv4 socket: SocketAddressFamilyNotSupportedError (EAFNOSUPPORT)', async function () {
      const s = cleanup.add(await makeSocket({ ipv6: false }));
      const err = await rejectsWith(s.connect('::1', { port: 9 }), SocketAddressFamilyNotSupportedError);
      expect(err.code).to.equal('EAFNOSUPPORT');
    });

    it('connecting a connected socket again: SocketAlreadyConnectedError (EISCONN)', async function () {
      // An accepted socket: Linux answers a first connect() on a socket whose non-blocking
      // connect completed with 0 (that is how it learns of the completion), so use the
      // server's side, which was never connecting.
      const { conn, server } = await iolibPair(cleanup);
      const err = await rejectsWith(conn.connect('127.0.0.1', { port: server.localPort! }), SocketAlreadyConnectedError);
      checkSocketError(err, SocketAlreadyConnectedError, 'EISCONN', 'connect');
    });

    it('remoteName() of an unconnected socket: SocketNotConnectedError (ENOTCONN, getpeername)', async function () {
      const s = cleanup.add(await makeSocket({}));
      const err = throwsWith(() => s.remoteName(), SocketNotConnectedError);
      checkSocketError(err, SocketNotConnectedError, 'ENOTCONN', 'getpeername');
      expect(s.remoteHost).to.equal(undefined);
      expect(s.remotePort).to.equal(undefined);
      expect(s.isConnected()).to.equal(false);
    });

    it('an option the protocol lacks: SocketOptionNotSupportedError', async function () {
      const u = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' }));
      const err = throwsWith(() => u.getOption('tcpNodelay'), SocketOptionNotSupportedError);
      expect(err).to.be.instanceOf(SocketError);
      expect(err.code).to.equal('ENOPROTOOPT');
    });

    it('out-of-band data on a UDP socket: SocketOperationNotSupportedError (EOPNOTSUPP)', async function () {
      const u = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: 9 }));
      const err = await rejectsWith(u.sendTo(Buffer.from('x'), { outOfBand: true }), SocketOperationNotSupportedError);
      checkSocketError(err, SocketOperationNotSupportedError, 'EOPNOTSUPP', 'send');
    });

    it('an empty host: AddressParseError with datum', async function () {
      const err = await rejectsNotThrows(() => makeSocket({ remoteHost: '', remotePort: 80 }), AddressParseError);
      expect(err.datum).to.equal('');
    });

    it('a host name that does not resolve: a typed iolib error, not a raw one', async function () {
      const err = await rejectsWith(makeSocket({ remoteHost: 'no-such-host.invalid', remotePort: 80 }), Error);
      expect(err, `${err.constructor.name}: ${err.message}`).to.be.instanceOf(IolibError);
      expect((err as IolibError & { datum?: unknown }).datum).to.equal('no-such-host.invalid');
    });
  });

  describe('operations on a closed socket fail with SocketClosedError', function () {
    it('active socket: every accessor and operation', async function () {
      const { client, server } = await iolibPair(cleanup);
      await client.close();
      expect(client.fd).to.equal(-1);
      expect(client.isOpen()).to.equal(false);
      expect(client.isConnected()).to.equal(false);
      expect(client.localHost).to.equal(undefined);
      expect(client.remotePort).to.equal(undefined);
      // Kind stays readable.
      expect(client.type).to.equal('stream');
      expect(client.addressFamily).to.equal('internet');
      for (const op of [
        () => client.localName(),
        () => client.remoteName(),
        () => client.getOption('keepAlive'),
        () => client.setOption('keepAlive', true),
        () => client.bindAddress('127.0.0.1'),
        () => client.shutdown({ write: true }),
      ]) {
        const err = throwsWith(op, SocketClosedError);
        expect(err.code).to.equal('ERR_SOCKET_CLOSED');
      }
      for (const op of [
        () => client.connect('127.0.0.1', { port: server.localPort! }),
        () => client.sendTo(Buffer.from('x')),
        () => client.receiveFrom({ dontWait: true }),
        () => client.receiveFrom(),
      ]) {
        const err = await rejectsNotThrows(op, SocketClosedError);
        expect(err.code).to.equal('ERR_SOCKET_CLOSED');
      }
    });

    it('active socket: write() after close() reports an error to its callback and does not throw', async function () {
      const { client } = await iolibPair(cleanup);
      await client.close();
      const err = await new Promise<Error | null | undefined>((resolve) => {
        expect(() => client.write('late', resolve)).not.to.throw();
      });
      expect(err).to.be.instanceOf(Error);
      expect((err as Error & { code?: string }).code).to.be.a('string');
    });

    it('passive socket: every accessor and operation', async function () {
      const server = await iolibServer(cleanup);
      await server.close();
      expect(server.fd).to.equal(-1);
      expect(server.isOpen()).to.equal(false);
      expect(server.isListening()).to.equal(false);
      expect(server.localPort).to.equal(undefined);
      for (const op of [
        () => server.localName(),
        () => server.getOption('reuseAddress'),
        () => server.setOption('reuseAddress', true),
        () => server.listenOn(),
        () => server.bindAddress('127.0.0.1'),
      ]) {
        throwsWith(op, SocketClosedError);
      }
      await rejectsNotThrows(() => server.acceptConnection(), SocketClosedError);
      await rejectsNotThrows(() => server.acceptConnection({ wait: false }), SocketClosedError);
      // close stays idempotent
      await server.close();
    });

    it('the fd number of a closed socket is not touched again when the kernel reuses it', async function () {
      const { client } = await iolibPair(cleanup);
      const oldFd = client.fd;
      await client.close();
      // A new socket probably gets the same number; the old object must not reach it.
      const other = cleanup.add(await makeSocket({}));
      throwsWith(() => client.setOption('keepAlive', true), SocketClosedError);
      expect(client.fd).to.equal(-1);
      if (other.fd === oldFd) expect(other.getOption('keepAlive')).to.equal(false);
    });
  });

  describe('close() while an operation waits settles it with SocketClosedError', function () {
    it('a pending receiveFrom (read)', async function () {
      const { client } = await iolibPair(cleanup);
      const receiving = client.receiveFrom({ size: 10 });
      await turn();
      await client.close();
      const err = await rejectsWith(receiving, SocketClosedError);
      expect(err.code).to.equal('ERR_SOCKET_CLOSED');
    });

    it('a pending receiveFrom, on close({ abort: true })', async function () {
      const { client } = await iolibPair(cleanup);
      const receiving = client.receiveFrom({ size: 10, timeout: 10_000 });
      await turn();
      await client.close({ abort: true });
      await rejectsWith(receiving, SocketClosedError);
    });

    it('a pending sendTo waiting for room in a full send buffer (write)', async function () {
      const { client } = await iolibPair(cleanup);
      client.setOption('sendBuffer', 4096);
      const block = payload(256 * 1024);
      // Fill the kernel buffers: the peer never reads.
      let sending: Promise<number> | undefined;
      for (let i = 0; i < 400; i++) {
        const p = client.sendTo(block);
        const done = await Promise.race([p.then(() => true), turn().then(() => false)]);
        if (!done) {
          sending = p;
          break;
        }
      }
      expect(sending, 'sendTo never had to wait').to.not.equal(undefined);
      await client.close({ abort: true });
      await rejectsWith(sending!, SocketClosedError);
    });

    it('a pending stream write (its callback), on close({ abort: true })', async function () {
      const { client } = await iolibPair(cleanup);
      const written = new Promise<Error | null | undefined>((resolve) => client.write(payload(32 * 1024 * 1024), resolve));
      await turn();
      await client.close({ abort: true });
      expect(await written).to.be.instanceOf(SocketClosedError);
    });

    it('a pending acceptConnection (accept)', async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection();
      await turn();
      await server.close();
      await rejectsWith(accepting, SocketClosedError);
    });

    it('a pending connect() (connect)', async function () {
      const port = await hangingPort(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const connecting = s.connect('127.0.0.1', { port });
      await turn();
      await s.close();
      await rejectsWith(connecting, SocketClosedError);
      expect(s.fd).to.equal(-1);
    });

    it('a pending connect() with writes waiting for it: close() does not wait, and both fail with SocketClosedError', async function () {
      const port = await hangingPort(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const connecting = s.connect('127.0.0.1', { port });
      await turn();
      const written = new Promise<Error | null | undefined>((resolve) => s.write('queued', resolve));
      s.on('error', () => {});
      await s.close();
      await rejectsWith(connecting, SocketClosedError);
      expect(await written).to.be.instanceOf(SocketClosedError);
      expect(s.fd).to.equal(-1);
    });

    it('a pending connect(), on close({ abort: true })', async function () {
      const port = await hangingPort(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const connecting = s.connect('127.0.0.1', { port, timeout: 10_000 });
      await turn();
      await s.close({ abort: true });
      await rejectsWith(connecting, SocketClosedError);
    });
  });

  describe('connect timeouts and aborts', function () {
    it('makeSocket with timeout: PollTimeoutError when the connect hangs, and no fd is left behind', async function () {
      const port = await hangingPort(cleanup);
      const before = fdCount();
      const started = Date.now();
      const err = await rejectsWith(makeSocket({ remoteHost: '127.0.0.1', remotePort: port, timeout: 150 }), PollTimeoutError);
      const took = Date.now() - started;
      expect(took).to.be.at.least(140).and.below(3000);
      expect(err.timeout).to.be.at.most(150);
      expect(err.event).to.equal('connect');
      // As every connect error: the address and port it was about.
      expect(err.address).to.equal('127.0.0.1');
      expect(err.port).to.equal(port);
      expect(err.message).to.include(`127.0.0.1:${port}`);
      expect(fdCount()).to.equal(before);
    });

    it('connect() with timeout: PollTimeoutError naming the address; the socket can still be closed', async function () {
      const port = await hangingPort(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const err = await rejectsWith(s.connect('127.0.0.1', { port, timeout: 100 }), PollTimeoutError);
      expect([err.address, err.port]).to.deep.equal(['127.0.0.1', port]);
      await s.close();
      expect(s.fd).to.equal(-1);
    });

    it('makeSocket with signal: AbortError (ABORT_ERR, cause) when aborted during the connect; no fd left', async function () {
      const port = await hangingPort(cleanup);
      const before = fdCount();
      const ac = new AbortController();
      const making = makeSocket({ remoteHost: '127.0.0.1', remotePort: port, signal: ac.signal });
      setTimeout(() => ac.abort('enough'), 50);
      const err = await rejectsWith(making, Error);
      expect(err.name).to.equal('AbortError');
      expect(err).to.be.instanceOf(AbortError);
      expect((err as AbortError).code).to.equal('ABORT_ERR');
      expect(err.cause).to.equal('enough');
      expect(fdCount()).to.equal(before);
    });

    it('connect() on a connected stream socket: SocketAlreadyConnectedError, to the same peer as to another', async function () {
      const server = await iolibServer(cleanup);
      const other = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
      for (const port of [server.localPort!, other.localPort!]) {
        const err = await rejectsWith(s.connect('127.0.0.1', { port }), SocketAlreadyConnectedError);
        expect(err.code).to.equal('EISCONN');
      }
      expect(s.remotePort).to.equal(server.localPort);
    });

    it('connect() with signal: AbortError', async function () {
      const port = await hangingPort(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const ac = new AbortController();
      const connecting = s.connect('127.0.0.1', { port, signal: ac.signal });
      await turn();
      ac.abort();
      const err = await rejectsWith(connecting, Error);
      expect(err.name).to.equal('AbortError');
      expect((err as AbortError).code).to.equal('ABORT_ERR');
      expect(err.cause).to.be.instanceOf(DOMException); // the default reason
    });

    it('an already aborted signal rejects at once, before any socket is made', async function () {
      const before = fdCount();
      const err = await rejectsNotThrows(() => makeSocket({ remoteHost: '127.0.0.1', remotePort: 9, signal: AbortSignal.abort('pre') }), Error);
      expect(err.name).to.equal('AbortError');
      expect(err.cause).to.equal('pre');
      expect(fdCount()).to.equal(before);
    });

    it('sendTo and sendMessage with an already aborted signal reject at once and send nothing', async function () {
      const receiver = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
      const sender = cleanup.add(await makeSocket({ type: 'datagram' }));
      const sent = await rejectsNotThrows(() => sender.sendTo(Buffer.from('no'), { remoteHost: '127.0.0.1', remotePort: receiver.localPort!, signal: AbortSignal.abort('pre') }), Error);
      expect(sent.name).to.equal('AbortError');
      expect(sent.cause).to.equal('pre');
      const [a, b] = sockets.makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      const passed = await rejectsNotThrows(() => a.sendMessage({ data: 'no', signal: AbortSignal.abort('pre') }), Error);
      expect(passed.name).to.equal('AbortError');
      expect(await receiver.receiveFrom({ dontWait: true })).to.equal(null);
      expect(await b.receiveFrom({ dontWait: true })).to.equal(null);
    });

    it('makeSocket and connect() with signal: AbortError while the host name is being looked up', async function () {
      this.timeout(30000);
      const server = await iolibServer(cleanup);
      // Every thread of libuv's pool busy: a look-up waits behind them until the signal aborts.
      const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      let busy = threads;
      const idle = new Promise<void>((resolve) => {
        for (let i = 0; i < threads; i++) pbkdf2('x', 'y', 2_000_000, 32, 'sha256', () => --busy === 0 && resolve());
      });
      const before = fdCount();
      const ac = new AbortController();
      const making = makeSocket({ remoteHost: 'localhost', remotePort: server.localPort!, signal: ac.signal });
      const s = cleanup.add(await makeSocket({}));
      const ac2 = new AbortController();
      const connecting = s.connect('localhost', { port: server.localPort!, signal: ac2.signal });
      ac.abort('stop');
      ac2.abort('stop too');
      const [e1, e2] = await Promise.all([rejectsWith(making, Error), rejectsWith(connecting, Error)]);
      expect(busy, 'rejected while the pool was still busy, not after the look-up').to.be.greaterThan(0);
      expect([e1.name, e1.cause, e2.name, e2.cause]).to.deep.equal(['AbortError', 'stop', 'AbortError', 'stop too']);
      await idle;
      expect(s.isConnected()).to.equal(false);
      expect(fdCount()).to.equal(before + 1); // s itself
    });

    it('makeSocket with signal aborted after the call, while a literal connect completes: AbortError, the socket closed', async function () {
      const server = await iolibServer(cleanup);
      const before = fdCount();
      const ac = new AbortController();
      const making = makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, signal: ac.signal });
      ac.abort('late');
      const err = await rejectsWith(making, Error);
      expect([err.name, err.cause]).to.deep.equal(['AbortError', 'late']);
      expect(fdCount()).to.equal(before);
    });

    it('a timeout long enough lets a normal connect through', async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, timeout: 5000, signal: new AbortController().signal }));
      expect(s.isConnected()).to.equal(true);
    });
  });
});

// Keep the type-only import used (documents which kinds this file exercises).
export type _Kinds = SocketStreamInternetPassive;
