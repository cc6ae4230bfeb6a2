/**
 * node:net's Socket and Server members on iolib sockets, with node:net's meaning: idle timeouts,
 * socket options, addresses, byte counters, connection state, resets, half-open policy, ref
 * and unref (in child processes), and errors that name their address.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  makeSocket, SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive, SocketStreamLocalPassive,
  SocketDatagramInternetActive, SocketConnectionRefusedError, SocketAddressInUseError, SocketError, PollTimeoutError,
} from '../../lib/sockets/index.js';
import { asInstance, Cleanup, freePort, hangingPort, iolibPair, netServer, payload, readAll, rejectsWith, sha256, skipFor, tmpSocketPath } from '../helpers/sockets.js';

const run = promisify(execFile);
const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));


describe('node:net members on iolib sockets', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('setTimeout', function () {
    it("emits 'timeout' after the idle time, keeps the socket open, and activity arms it again", async function () {
      const { client, conn } = await iolibPair(cleanup);
      const t0 = Date.now();
      client.setTimeout(80);
      expect(client.timeout).to.equal(80);
      await once(client, 'timeout');
      expect(Date.now() - t0).to.be.at.least(75);
      expect(client.destroyed).to.equal(false);
      // A read arms it again: the second 'timeout' comes a full idle period after the data.
      conn.write('x');
      await once(client, 'data');
      const t1 = Date.now();
      await once(client, 'timeout');
      expect(Date.now() - t1).to.be.at.least(75);
      client.write('still open');
      expect(String(await once(conn, 'data'))).to.equal('still open');
    });

    it('takes a one-time callback; setTimeout(0) cancels the timer and removes the callback', async function () {
      const { client } = await iolibPair(cleanup);
      let calls = 0;
      const cb = () => calls++;
      client.setTimeout(30, cb);
      expect(client.listenerCount('timeout')).to.equal(1);
      expect(client.timeout).to.equal(30);
      client.setTimeout(0, cb);
      expect(client.listenerCount('timeout')).to.equal(0);
      expect(client.timeout).to.equal(0);
      // As node:net's: assigning the property leaves the timer alone.
      client.timeout = 5;
      expect(client.timeout).to.equal(5);
      // A second timer that does fire shows the first never did.
      client.setTimeout(60);
      await once(client, 'timeout');
      expect(calls).to.equal(0);
    });

    it("disarmed and armed again with the same duration (an HTTP server's keep-alive), fires only while armed", async function () {
      const { client, conn } = await iolibPair(cleanup);
      let fired = 0;
      client.on('timeout', () => fired++);
      const t0 = Date.now();
      expect(client.timeout).to.equal(undefined);
      client.setTimeout(30);
      client.setTimeout(0);
      expect(client.timeout).to.equal(0);
      // conn's timer fires well after client's would have: client's stayed silent.
      conn.setTimeout(120);
      await once(conn, 'timeout');
      expect(Date.now() - t0).to.be.at.least(115);
      expect(fired).to.equal(0);
      // Armed again with the same duration: a full idle period from now, once.
      const t1 = Date.now();
      client.setTimeout(30);
      expect(client.timeout).to.equal(30);
      await once(client, 'timeout');
      expect(Date.now() - t1).to.be.at.least(25);
      expect(fired).to.equal(1);
      // A new duration takes a new timer; the old one's period no longer applies.
      const t2 = Date.now();
      client.setTimeout(5000);
      client.setTimeout(60);
      await once(client, 'timeout');
      expect(Date.now() - t2).to.be.within(55, 4000);
      expect(fired).to.equal(2);
    });

    it('rejects a bad duration with a coded error', async function () {
      const { client } = await iolibPair(cleanup);
      expect(() => client.setTimeout(-1)).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => client.setTimeout('5' as unknown as number)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => client.setTimeout(5, 'cb' as unknown as () => void)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    });
  });

  describe('options, addresses and counters', function () {
    it('setNoDelay and setKeepAlive set the socket options, as node:net maps them', async function () {
      const { client } = await iolibPair(cleanup);
      expect(client.setNoDelay()).to.equal(client);
      expect(client.getOption('tcpNodelay')).to.equal(true);
      client.setNoDelay(false);
      expect(client.getOption('tcpNodelay')).to.equal(false);
      const probes = () => [client.getOption('tcpKeepIdle'), client.getOption('tcpKeepInterval'), client.getOption('tcpKeepCount')];
      const kernel = probes();
      // Under a second: SO_KEEPALIVE alone, the kernel's timings stay (as libuv does).
      client.setKeepAlive(true, 400);
      expect(client.getOption('keepAlive')).to.equal(true);
      expect(probes()).to.deep.equal(kernel);
      // libuv's uv_tcp_keepalive: the delay in seconds, then a probe a second, ten times.
      expect(client.setKeepAlive(true, 7500)).to.equal(client);
      expect(client.getOption('keepAlive')).to.equal(true);
      expect(probes()).to.deep.equal([7, 1, 10]);
      client.setKeepAlive(false);
      expect(client.getOption('keepAlive')).to.equal(false);
    });

    it('a link-local peer: remoteAddress, localAddress and address() name the interface, as node:net prints them', async function () {
      const linkLocal = Object.entries(networkInterfaces()).flatMap(([name, list]) => (list ?? []).filter((a) => a.family === 'IPv6' && a.address.startsWith('fe80:')).map((a) => `${a.address}%${name}`));
      if (linkLocal.length === 0) skipFor(this, 'no interface here has an IPv6 link-local address');
      const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '::', localPort: 0 }), SocketStreamInternetPassive));
      const accepting = server.acceptConnection();
      const client = net.connect({ host: linkLocal[0]!, port: server.localPort! });
      cleanup.add(client);
      await once(client, 'connect');
      const conn = cleanup.add(asInstance((await accepting)!, SocketStreamInternetActive));
      expect(conn.remoteAddress).to.equal(client.localAddress);
      expect(conn.localAddress).to.equal(client.remoteAddress);
      expect(conn.address()).to.deep.include({ address: client.remoteAddress, family: 'IPv6' });
      expect(conn.remoteAddress).to.match(/%[a-z]/i, 'an interface name, not its index');
    });

    it('address(), remoteAddress, remoteFamily, localAddress agree with a node:net peer', async function () {
      let peer: net.Socket | undefined;
      const server = cleanup.add(await netServer('127.0.0.1', (s) => (peer = s)));
      const client = cleanup.add(asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }), SocketStreamInternetActive));
      await new Promise((resolve) => setImmediate(resolve));
      expect(client.address()).to.deep.equal({ address: '127.0.0.1', family: 'IPv4', port: peer!.remotePort });
      expect(client.remoteAddress).to.equal('127.0.0.1');
      expect(client.remoteFamily).to.equal('IPv4');
      expect(client.remotePort).to.equal(server.port);
      expect(client.localAddress).to.equal(peer!.remoteAddress);
      expect(client.localFamily).to.equal('IPv4');
      const passive = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }), SocketStreamInternetPassive));
      expect(passive.address()).to.deep.equal({ address: '127.0.0.1', family: 'IPv4', port: passive.localPort });
      await client.close();
      // As node:net's: the peer read before the close is still answered, the local end is not.
      expect(client.address()).to.deep.equal({});
      expect(client.remoteAddress).to.equal('127.0.0.1');
      expect(client.remoteFamily).to.equal('IPv4');
      expect(client.remotePort).to.equal(server.port);
      expect(client.localAddress).to.equal(undefined);
      expect(client.localPort).to.equal(undefined);
    });

    it('local sockets: address() of a listener is its path, of a connection {}; no remoteAddress', async function () {
      const path = tmpSocketPath('addr');
      const server = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }), SocketStreamLocalPassive));
      expect(server.address()).to.equal(path);
      const client = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', remoteFilename: path }), SocketStreamLocalActive));
      expect(client.address()).to.deep.equal({});
      expect(client.remoteAddress).to.equal(undefined);
      expect(client.setNoDelay(true)).to.equal(client);
      expect(() => client.resetAndDestroy()).to.throw(TypeError).with.property('code', 'ERR_INVALID_HANDLE_TYPE');
    });

    it('bytesRead and bytesWritten count what was read and what the kernel took (small writes and the send ring)', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(3 * 1024 * 1024 + 17);
      const reading = readAll(conn);
      client.write(data.subarray(0, 100));
      client.end(data.subarray(100));
      await once(client, 'finish');
      const got = await reading;
      expect(sha256(got)).to.equal(sha256(data));
      expect(client.bytesWritten).to.equal(data.length);
      expect(conn.bytesRead).to.equal(data.length);
      expect(client.bytesRead).to.equal(0);
    });
  });

  describe('writes while connecting', function () {
    /** A node:net server that reads a connection to its end, then answers 'bye' and ends. */
    async function collectingServer(): Promise<{ port: number; received: Promise<Buffer> }> {
      let deliver!: (b: Buffer) => void;
      const received = new Promise<Buffer>((resolve) => (deliver = resolve));
      const server = cleanup.add(await netServer('127.0.0.1', (c) => {
        const parts: Buffer[] = [];
        c.on('data', (d: Buffer) => parts.push(d));
        c.on('end', () => {
          deliver(Buffer.concat(parts));
          c.end('bye');
        });
      }));
      return { port: server.port, received };
    }

    it("writes and end() made while connect() is in progress are sent once connected, and a read started then reads, as node:net's", async function () {
      const { port, received } = await collectingServer();
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      const events: string[] = [];
      for (const e of ['connect', 'finish']) s.on(e, () => events.push(e));
      // connect() resolves the host before its connect(2): the writes find the socket unconnected.
      const connecting = s.connect('localhost', { port });
      expect(s.connecting).to.equal(true);
      const reply = readAll(s);
      const data = payload(300_000);
      s.write(data.subarray(0, 10));
      s.write(data.subarray(10, 100_000));
      s.end(data.subarray(100_000));
      expect(s.bytesWritten).to.equal(data.length);
      await connecting;
      expect(sha256(await received)).to.equal(sha256(data));
      expect((await reply).toString()).to.equal('bye');
      expect(events).to.deep.equal(['connect', 'finish']);
    });

    it('end() alone while connecting sends the end once connected', async function () {
      const { port, received } = await collectingServer();
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      const connecting = s.connect('127.0.0.1', { port });
      s.end();
      await connecting;
      expect((await received).length).to.equal(0);
      expect((await readAll(s)).toString()).to.equal('bye');
    });

    it("writes waiting for a connect that fails fail with the connect's error", async function () {
      const port = await freePort();
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      const errors: unknown[] = [];
      s.on('error', (err) => errors.push(err));
      const closed = new Promise((resolve) => s.once('close', resolve));
      const connecting = s.connect('127.0.0.1', { port });
      const written = new Promise<Error | null | undefined>((resolve) => s.write('lost', resolve));
      const err = await rejectsWith(connecting, SocketConnectionRefusedError);
      expect(await written).to.equal(err);
      await closed;
      expect(errors).to.deep.equal([err]);
    });

    it("a write made while a connect is refused leaves the refusal to connect(), as node:net's", async function () {
      const port = await freePort();
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      const errors: unknown[] = [];
      s.on('error', (err) => errors.push(err));
      const connecting = s.connect('127.0.0.1', { port });
      // A later turn, when the refusal may already wait in the socket as its pending error.
      await new Promise((resolve) => setImmediate(resolve));
      s.write(Buffer.from('hello'));
      const err = await rejectsWith(connecting, SocketConnectionRefusedError);
      expect(s.isConnected()).to.equal(false);
      await new Promise((resolve) => s.once('close', resolve));
      expect(errors).to.deep.equal([err]);
    });

    it('connect() again after a refused one connects the same socket (the failed attempt is reset), as node:net', async function () {
      const port = await freePort();
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      await rejectsWith(s.connect('127.0.0.1', { port }), SocketConnectionRefusedError);
      const server = cleanup.add(net.createServer((c) => c.end('hi')).listen(port, '127.0.0.1'));
      await once(server, 'listening');
      await s.connect('127.0.0.1', { port });
      expect(s.isConnected()).to.equal(true);
      expect((await readAll(s)).toString()).to.equal('hi');
      await s.close();
    });

    it('a connect that timed out is reset: it never completes later, and the socket connects elsewhere', async function () {
      const hanging = await hangingPort(cleanup);
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      await rejectsWith(s.connect('127.0.0.1', { port: hanging, timeout: 100 }), PollTimeoutError);
      expect(s.isConnected()).to.equal(false);
      const { port, received } = await collectingServer();
      await s.connect('127.0.0.1', { port });
      s.end('after the timeout');
      expect((await received).toString()).to.equal('after the timeout');
    });

    it("a local connect to a listener whose backlog is full waits for room, within its timeout (it resolved unconnected)", async function () {
      const path = tmpSocketPath('full-backlog');
      const listener = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path, backlog: 0 }), SocketStreamLocalPassive));
      // Connect until the backlog is full: the next connect waits, and times out.
      let timedOut = false;
      for (let i = 0; i < 64 && !timedOut; i++) {
        try {
          const c = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', remoteFilename: path, timeout: 200 }), SocketStreamLocalActive));
          expect(c.isConnected()).to.equal(true);
        } catch (err) {
          expect(err).to.be.instanceOf(PollTimeoutError);
          timedOut = true;
        }
      }
      expect(timedOut, 'the backlog filled up').to.equal(true);
      // Without a timeout it waits until the listener accepts one, then connects.
      const waiting = makeSocket({ addressFamily: 'local', remoteFilename: path });
      cleanup.add((await listener.acceptConnection())!);
      const c = cleanup.add(asInstance(await waiting, SocketStreamLocalActive));
      expect(c.isConnected()).to.equal(true);
    });

    it('bytesWritten counts what is still queued, and bufferSize is writableLength, as node:net', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const big = payload(10_000_000);
      const small = payload(1000);
      client.write(big);
      expect(client.bytesWritten).to.equal(big.length);
      client.cork();
      client.write(small);
      expect(client.bytesWritten).to.equal(big.length + small.length);
      expect(client.bufferSize).to.equal(client.writableLength);
      client.uncork();
      const reading = readAll(conn);
      client.end();
      expect(sha256(await reading)).to.equal(sha256(Buffer.concat([big, small])));
      expect(client.bytesWritten).to.equal(big.length + small.length);
      expect(client.bufferSize).to.equal(0);
    });
  });

  describe('connection state', function () {
    it("connecting is true while connect() waits; 'connect' and 'ready' follow; pending and readyState follow node:net", async function () {
      const port = (await netServer('127.0.0.1').then((s) => cleanup.add(s))).port;
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      expect(s.pending).to.equal(true);
      const events: string[] = [];
      s.on('connect', () => events.push(`connect ${s.connecting}`));
      s.on('ready', () => events.push('ready'));
      const connecting = s.connect('127.0.0.1', { port });
      expect(s.connecting).to.equal(true);
      expect(s.readyState).to.equal('opening');
      await connecting;
      expect(events).to.deep.equal(['connect false', 'ready']);
      expect(s.connecting).to.equal(false);
      expect(s.pending).to.equal(false);
      expect(s.readyState).to.equal('open');
      s.end();
      expect(s.readyState).to.equal('readOnly');
      await s.close();
      expect(s.readyState).to.equal('closed');
      expect(s.pending).to.equal(true);
    });

    it('destroySoon() ends, flushes and then destroys', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(256 * 1024);
      const reading = readAll(conn);
      client.write(data);
      client.destroySoon();
      await once(client, 'close');
      expect(sha256(await reading)).to.equal(sha256(data));
    });

    it('resetAndDestroy() resets the connection: a node:net peer sees ECONNRESET', async function () {
      let peer: net.Socket | undefined;
      const server = cleanup.add(await netServer('127.0.0.1', (p) => (peer = p)));
      const client = cleanup.add(asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }), SocketStreamInternetActive));
      while (!peer) await new Promise((resolve) => setImmediate(resolve));
      const failed = once(peer, 'error');
      peer.resume();
      client.resetAndDestroy();
      const [err] = await failed;
      expect((err as NodeJS.ErrnoException).code).to.equal('ECONNRESET');
    });
  });

  describe('allowHalfOpen', function () {
    it('is true by default: after the peer ends, the socket can still write', async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.end();
      conn.resume();
      await once(conn, 'end');
      const reading = readAll(client);
      conn.end('reply after the end');
      expect(String(await reading)).to.equal('reply after the end');
    });

    it("false (makeSocket, and a listener's connections): the peer's end ends and closes the socket, as node:net", async function () {
      const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, allowHalfOpen: false }), SocketStreamInternetPassive));
      const accepting = server.acceptConnection();
      const client = cleanup.add(asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, allowHalfOpen: false }), SocketStreamInternetActive));
      const conn = cleanup.add(asInstance(await accepting, SocketStreamInternetActive));
      expect(conn.allowHalfOpen).to.equal(false);
      conn.resume();
      client.resume();
      const closed = once(conn, 'close');
      // The connection ends its side in turn: the client reads the end.
      const ended = once(client, 'end');
      client.end();
      await Promise.all([closed, ended]);
      const overridden = server.acceptConnection({ allowHalfOpen: true });
      const second = cleanup.add(asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }), SocketStreamInternetActive));
      expect(cleanup.add(asInstance(await overridden, SocketStreamInternetActive)).allowHalfOpen).to.equal(true);
      expect(second.allowHalfOpen).to.equal(true);
    });

    it('is a boolean option of the stream kinds only', async function () {
      await rejectsWith(makeSocket({ allowHalfOpen: 'no' as unknown as boolean }), TypeError);
      await rejectsWith(makeSocket({ type: 'datagram', allowHalfOpen: false }), TypeError);
    });
  });

  describe('errors name their address', function () {
    it('connect ECONNREFUSED 127.0.0.1:PORT, with address and port', async function () {
      const port = await freePort();
      const err = await rejectsWith(makeSocket({ remoteHost: '127.0.0.1', remotePort: port }), SocketConnectionRefusedError);
      expect(err.message).to.equal(`connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(err.address).to.equal('127.0.0.1');
      expect(err.port).to.equal(port);
      const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
      const again = await rejectsWith(s.connect('127.0.0.1', { port }), SocketConnectionRefusedError);
      expect(again.message).to.equal(`connect ECONNREFUSED 127.0.0.1:${port}`);
    });

    it('connect to a missing Unix path: the path is named', async function () {
      const path = tmpSocketPath('missing');
      const err = await rejectsWith(makeSocket({ addressFamily: 'local', remoteFilename: path }), SocketError);
      expect(err.code).to.equal('ENOENT');
      expect(err.message).to.equal(`connect ENOENT ${path}`);
      expect(err.path).to.equal(path);
      expect(err.address).to.equal(path);
    });

    it('bind EADDRINUSE 127.0.0.1:PORT', async function () {
      const first = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, reuseAddress: false }), SocketStreamInternetPassive));
      const err = await rejectsWith(makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: first.localPort!, reuseAddress: false }), SocketAddressInUseError);
      expect(err.message).to.equal(`bind EADDRINUSE 127.0.0.1:${first.localPort}`);
      expect(err.port).to.equal(first.localPort);
    });

    it("sendTo on a connected UDP socket names its peer: send ECONNREFUSED 127.0.0.1:PORT (the port's ICMP unreachable)", async function () {
      const probe = cleanup.add(asInstance(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' }), SocketDatagramInternetActive));
      const port = probe.localPort!;
      await probe.close();
      const s = cleanup.add(asInstance(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port }), SocketDatagramInternetActive));
      // Each send draws an ICMP port unreachable, which the next send reports.
      let err: unknown;
      for (let i = 0; i < 20 && err === undefined; i++) await s.sendTo(Buffer.from('x')).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(SocketConnectionRefusedError);
      expect((err as SocketError).message).to.equal(`send ECONNREFUSED 127.0.0.1:${port}`);
      expect((err as SocketError).address).to.equal('127.0.0.1');
      expect((err as SocketError).port).to.equal(port);
    });

    it('sendTo a destination the kernel refuses: send EACCES 255.255.255.255:9 (broadcast not enabled)', async function () {
      const s = cleanup.add(asInstance(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }), SocketDatagramInternetActive));
      const err = await rejectsWith(s.sendTo(Buffer.from('x'), { remoteHost: '255.255.255.255', remotePort: 9 }), SocketError);
      expect(err.message).to.equal('send EACCES 255.255.255.255:9');
      expect(err.address).to.equal('255.255.255.255');
      expect(err.port).to.equal(9);
    });
  });

  describe('ref() and unref() (child processes)', function () {
    /** Runs `body` in a child with iolib loaded as `L`; resolves with its stdout. */
    async function child(body: string): Promise<string> {
      const script = `const L = await import(${JSON.stringify(libIndex.replace(/\.ts$/, '.js'))});\n${body}`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 15000 });
      return stdout.trim();
    }
    // An unref'd timer fires only while something else keeps the loop alive: it tells whether
    // the socket did, without the test sleeping.
    const probe = `setTimeout(() => { console.log('alive'); done(); }, 200).unref();`;

    it('a listening socket keeps the process alive; unref() lets it exit', async function () {
      const held = await child(`const s = await L.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const done = () => s.close(); ${probe}`);
      expect(held).to.equal('alive');
      const released = await child(`const s = await L.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        s.unref(); const done = () => {}; ${probe} process.on('exit', () => console.log('exited'));`);
      expect(released).to.equal('exited');
      const again = await child(`const s = await L.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        s.unref(); s.ref(); const done = () => s.close(); ${probe}`);
      expect(again).to.equal('alive');
    });

    it('a reading connection keeps the process alive; unref() lets it exit', async function () {
      const setup = `const srv = await L.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const accepting = srv.acceptConnection();
        const c = await L.makeSocket({ remoteHost: '127.0.0.1', remotePort: srv.localPort });
        const conn = await accepting; await srv.close();
        c.on('data', () => {}); conn.on('data', () => {});`;
      const held = await child(`${setup} const done = () => { c.destroy(); conn.destroy(); }; ${probe}`);
      expect(held).to.equal('alive');
      const released = await child(`${setup} c.unref(); conn.unref(); const done = () => {}; ${probe} process.on('exit', () => console.log('exited'));`);
      expect(released).to.equal('exited');
    });
  });
});
