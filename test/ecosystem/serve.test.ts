/**
 * serve() hands connections to Node's servers as node:net's listening handle does: the
 * server's allowHalfOpen, noDelay and keepAlive, maxConnections and 'drop', the count that
 * getConnections() answers and close() waits on, 'listening' on a later tick, ref/unref, and
 * the peer's address on the TLS and http2 sockets layered over a connection; also the guide's
 * client recipes, which keep TCP_NODELAY. Peers are Node's own clients (net, tls, http,
 * http2), undici and ws; data that moves is checked with SHA-256.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { WebSocketServer } from 'ws';
import {
  makeSocket, serve, SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive, SocketStreamLocalPassive,
} from '../../lib/sockets/index.js';
import { asInstance, Cleanup, payload, readAll, sha256, tmpSocketPath } from '../helpers/sockets.js';
import { localhostCertificate } from '../helpers/tls-cert.js';

const run = promisify(execFile);
const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

type Listener = SocketStreamInternetPassive | SocketStreamLocalPassive;
type Conn = SocketStreamInternetActive | SocketStreamLocalActive;

/** One address family: an iolib listener, and node:net's options to reach it. */
interface Kind {
  name: string;
  listen(options?: { allowHalfOpen?: boolean }): Promise<Listener>;
  target(listener: Listener): net.NetConnectOpts & tls.ConnectionOptions;
}

const TCP: Kind = {
  name: 'TCP',
  listen: async (options = {}) => asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, ...options }), SocketStreamInternetPassive),
  target: (l) => ({ host: '127.0.0.1', port: l.localPort! }),
};
const UNIX: Kind = {
  name: 'Unix',
  listen: async (options = {}) => asInstance(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: tmpSocketPath('serve'), ...options }), SocketStreamLocalPassive),
  target: (l) => ({ path: l.localFilename! }),
};

function asConn(s: unknown): Conn {
  if (s instanceof SocketStreamInternetActive || s instanceof SocketStreamLocalActive) return s;
  throw new Error(`expected an iolib connection, got ${String(s)}`);
}

/**
 * Serves `server` from `listener`, with a cleanup that destroys the connections it was handed
 * and closes it, unless the test did (a closed server would wait for a 'close' already gone).
 */
function served(cleanup: Cleanup, server: net.Server, listener: Listener): Promise<void> {
  const conns: Conn[] = [];
  server.on('connection', (c: unknown) => conns.push(asConn(c)));
  cleanup.add(() => new Promise<void>((resolve) => {
    for (const c of conns) c.destroy();
    if (server.listening) server.close(() => resolve());
    else resolve();
  }));
  return serve(server, listener);
}

/** getConnections() as a promise. */
function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

/** A node:net client of `target`, connected. */
async function netClient(cleanup: Cleanup, target: net.NetConnectOpts): Promise<net.Socket> {
  const client = cleanup.add(net.connect({ ...target, allowHalfOpen: true }));
  await once(client, 'connect');
  return client;
}

for (const kind of [TCP, UNIX]) {
  describe(`serve() hands connections over as node:net's listening handle does (${kind.name})`, function () {
    this.timeout(20000);
    const cleanup = new Cleanup();
    afterEach(() => cleanup.run());

    describe('allowHalfOpen', function () {
      it("a net.Server's default (false): the client's end ends and closes the connection, which read everything", async function () {
        const listener = cleanup.add(await kind.listen());
        const server = net.createServer();
        const handed = new Promise<[Promise<Buffer>, Promise<unknown>]>((resolve) => {
          server.once('connection', (c: net.Socket) => resolve([readAll(c), once(c, 'close')]));
        });
        void served(cleanup, server, listener);
        const client = await netClient(cleanup, kind.target(listener));
        const data = payload(256 * 1024);
        client.resume();
        const closed = once(client, 'close');
        client.end(data);
        const [received, connClosed] = await handed;
        expect(sha256(await received)).to.equal(sha256(data));
        // The server's side ended in turn, so the half-open client closes, and so does the connection.
        await Promise.all([closed, connClosed]);
        expect(await connections(server)).to.equal(0);
        // No connection left is no close: the server goes on serving.
        const next = once(server, 'connection');
        (await netClient(cleanup, kind.target(listener))).destroy();
        await next;
        expect(server.listening).to.equal(true);
      });

      it("the server's true wins over the listener's false: the connection answers after the client's end", async function () {
        const listener = cleanup.add(await kind.listen({ allowHalfOpen: false }));
        const server = net.createServer({ allowHalfOpen: true }, (c) => void readAll(c).then((body) => c.end(sha256(body))));
        void served(cleanup, server, listener);
        const client = await netClient(cleanup, kind.target(listener));
        const data = payload(300 * 1024 + 7);
        const reply = readAll(client);
        client.end(data);
        expect(String(await reply)).to.equal(sha256(data));
      });

      it('an http.Server (which allows half-open and handles the end itself) answers a client that ended after its request', async function () {
        const listener = cleanup.add(await kind.listen());
        const body = payload(512 * 1024);
        const server = http.createServer((_req, res) => res.end(body));
        void served(cleanup, server, listener);
        const client = await netClient(cleanup, kind.target(listener));
        const reply = readAll(client);
        client.end('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
        const text = await reply;
        const head = text.indexOf('\r\n\r\n');
        expect(String(text.subarray(0, head))).to.match(/^HTTP\/1.1 200 OK\r\n/);
        expect(sha256(text.subarray(head + 4))).to.equal(sha256(body));
      });

      it("a tls.Server's TLS sockets close when their clients end, as over node:net (no half-open leak)", async function () {
        const { key, cert } = localhostCertificate();
        const listener = cleanup.add(await kind.listen());
        const hashes: Promise<string>[] = [];
        const closed: Promise<unknown>[] = [];
        const server = tls.createServer({ key, cert }, (s) => {
          hashes.push(readAll(s).then(sha256));
          closed.push(once(s, 'close'));
        });
        // The iolib connections under the TLS sockets close too: their fds are released.
        server.on('connection', (c: net.Socket) => closed.push(once(c, 'close')));
        void served(cleanup, server, listener);
        const sent: string[] = [];
        for (let i = 0; i < 3; i++) {
          const client = cleanup.add(tls.connect({ ...kind.target(listener), ca: cert, servername: 'localhost' }));
          await once(client, 'secureConnect');
          client.resume();
          const data = payload(100 * 1024 + i);
          sent.push(sha256(data));
          const closed = once(client, 'close');
          client.end(data);
          await closed;
        }
        expect(await Promise.all(hashes)).to.deep.equal(sent);
        await Promise.all(closed);
        expect(closed.length).to.equal(6);
        expect(await connections(server)).to.equal(0);
      });

      it("a client that sends half a ClientHello and then its end gets the tls.Server's ECONNRESET, and is closed", async function () {
        const { key, cert } = localhostCertificate();
        const listener = cleanup.add(await kind.listen());
        const server = tls.createServer({ key, cert });
        const clientError = once(server, 'tlsClientError');
        void served(cleanup, server, listener);
        const client = await netClient(cleanup, kind.target(listener));
        client.resume();
        const closed = once(client, 'close');
        client.end(Buffer.from('160301020001000200', 'hex'));
        const [err] = (await clientError) as [NodeJS.ErrnoException];
        expect(err.code).to.equal('ECONNRESET');
        await closed;
      });

      it('a TLS socket still flushes a large reply after its client ended at once: intact, and no EPIPE', async function () {
        const { key, cert } = localhostCertificate();
        const listener = cleanup.add(await kind.listen());
        const reply = payload(8 * 1024 * 1024);
        const errors: string[] = [];
        const server = tls.createServer({ key, cert }, (s) => {
          s.on('error', (err: NodeJS.ErrnoException) => errors.push(String(err.code)));
          s.end(reply);
        });
        void served(cleanup, server, listener);
        const client = cleanup.add(tls.connect({ ...kind.target(listener), ca: cert, servername: 'localhost' }));
        await once(client, 'secureConnect');
        const reading = readAll(client);
        client.end();
        expect(sha256(await reading)).to.equal(sha256(reply));
        await once(client, 'close');
        expect(errors).to.deep.equal([]);
      });
    });

    describe('close, maxConnections, getConnections', function () {
      it('server.close() closes the listener at once, and calls back (and emits close) only once the running request is done', async function () {
        const listener = cleanup.add(await kind.listen());
        const server = http.createServer();
        const arrived = once(server, 'request') as Promise<[http.IncomingMessage, http.ServerResponse]>;
        void served(cleanup, server, listener);
        const client = await netClient(cleanup, kind.target(listener));
        const reply = readAll(client);
        client.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        const [, pending] = await arrived;
        const events: string[] = [];
        server.on('close', () => events.push("'close'"));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        expect(listener.isOpen()).to.equal(false);
        expect(server.listening).to.equal(false);
        expect(await connections(server)).to.equal(1);
        // A turn of the event loop: an early 'close' (nextTick) would have come by now.
        await new Promise<void>((resolve) => setImmediate(resolve));
        events.push('response');
        pending.end('bye');
        await closed;
        expect(events).to.deep.equal(['response', "'close'"]);
        expect(String(await reply)).to.match(/\r\n\r\nbye$/);
      });

      it("maxConnections refuses the connections beyond it with 'drop', as node:net; getConnections() counts the open ones", async function () {
        const listener = cleanup.add(await kind.listen());
        const server = net.createServer((c) => c.resume());
        server.maxConnections = 2;
        const conns: Conn[] = [];
        server.on('connection', (c: unknown) => conns.push(asConn(c)));
        const drops: unknown[][] = [];
        server.on('drop', (...args: unknown[]) => drops.push(args));
        void served(cleanup, server, listener);
        const first = await netClient(cleanup, kind.target(listener));
        await netClient(cleanup, kind.target(listener));
        const third = await netClient(cleanup, kind.target(listener));
        third.resume();
        await once(third, 'end');
        expect(conns.length).to.equal(2);
        expect(await connections(server)).to.equal(2);
        if (kind === TCP) {
          expect(drops).to.deep.equal([[{
            localAddress: '127.0.0.1', localPort: listener.localPort, localFamily: 'IPv4',
            remoteAddress: '127.0.0.1', remotePort: third.localPort, remoteFamily: 'IPv4',
          }]]);
        } else {
          // node:net tells nothing of a Unix connection it drops.
          expect(drops).to.deep.equal([[]]);
        }
        // A connection that closes makes room for the next.
        const gone = once(conns[0]!, 'close');
        first.end();
        await gone;
        expect(await connections(server)).to.equal(1);
        const fourth = await netClient(cleanup, kind.target(listener));
        fourth.write('x');
        while (conns.length < 3) await once(server, 'connection');
        expect(await connections(server)).to.equal(2);
        expect(drops.length).to.equal(1);
      });
    });

    describe("'listening', ref and unref", function () {
      it("'listening' comes on a later tick, before the first connection (one already waiting), with listening and address() in place", async function () {
        const listener = cleanup.add(await kind.listen());
        const client = await netClient(cleanup, kind.target(listener));
        const server = net.createServer();
        const events: string[] = [];
        server.on('connection', () => events.push('connection'));
        void served(cleanup, server, listener);
        // Attached after serve(), as after listen().
        let seen: unknown;
        server.on('listening', () => {
          events.push('listening');
          seen = { listening: server.listening, address: server.address() };
        });
        await once(server, 'connection');
        expect(seen).to.deep.equal({ listening: true, address: listener.address() });
        expect(events).to.deep.equal(['listening', 'connection']);
        client.destroy();
      });

      it("ws's WebSocketServer({ server }) made after serve() hears 'listening'; a server closed at once never does", async function () {
        const listener = cleanup.add(await kind.listen());
        const server = http.createServer();
        void served(cleanup, server, listener);
        const wss = new WebSocketServer({ server });
        cleanup.add(() => wss.close());
        await once(wss, 'listening');
        const other = http.createServer();
        let told = false;
        other.on('listening', () => (told = true));
        const otherListener = cleanup.add(await kind.listen());
        const serving = serve(other, otherListener);
        const closed = once(other, 'close');
        other.close();
        await Promise.all([serving, closed]);
        expect(told).to.equal(false);
      });

      it('server.unref() unrefs its listeners (also one added later), so the process can exit; ref() holds it again (child processes)', async function () {
        const listen = kind === TCP
          ? `() => L.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 })`
          : `() => L.makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: ${JSON.stringify(tmpSocketPath('unref'))} + Math.random() })`;
        const setup = `const http = await import('node:http'); const listen = ${listen};
          const server = http.createServer(); L.serve(server, await listen());`;
        // An unref'd timer fires only while something else keeps the loop alive.
        const probe = `setTimeout(() => { console.log('alive'); server.close(); }, 200).unref();
          process.on('exit', () => console.log('exited'));`;
        expect(await child(`${setup} ${probe}`)).to.equal('alive\nexited');
        expect(await child(`${setup} server.unref(); ${probe}`)).to.equal('exited');
        expect(await child(`${setup} server.unref(); L.serve(server, await listen()); ${probe}`)).to.equal('exited');
        expect(await child(`${setup} server.unref(); server.ref(); ${probe}`)).to.equal('alive\nexited');
      });
    });
  });
}

/** Runs `body` in a child with iolib loaded as `L`; resolves with its stdout. */
async function child(body: string): Promise<string> {
  const script = `const L = await import(${JSON.stringify(libIndex)});\n${body}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 15000 });
  return stdout.trim();
}

describe('serve() over TCP: socket options and peer addresses as over node:net', function () {
  this.timeout(20000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  /** The TCP options of the connection a server is handed. */
  async function optionsGiven(server: net.Server): Promise<{ noDelay: unknown; keepAlive: unknown; keepIdle?: unknown }> {
    const listener = cleanup.add(await TCP.listen());
    const handed = once(server, 'connection');
    void served(cleanup, server, listener);
    await netClient(cleanup, TCP.target(listener));
    const conn = asInstance((await handed)[0], SocketStreamInternetActive);
    const options = { noDelay: conn.getOption('tcpNodelay'), keepAlive: conn.getOption('keepAlive') };
    return options.keepAlive ? { ...options, keepIdle: conn.getOption('tcpKeepIdle') } : options;
  }

  it("applies the server's noDelay, keepAlive and keepAliveInitialDelay to each connection, as node:net does", async function () {
    expect(await optionsGiven(net.createServer())).to.deep.equal({ noDelay: false, keepAlive: false });
    // http.Server's noDelay defaults to true: a response written in pieces does not wait for delayed ACKs.
    expect(await optionsGiven(http.createServer())).to.deep.equal({ noDelay: true, keepAlive: false });
    expect(await optionsGiven(http.createServer({ keepAlive: true, keepAliveInitialDelay: 3000 }))).to.deep.equal({ noDelay: true, keepAlive: true, keepIdle: 3 });
    expect(await optionsGiven(net.createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 7500 }))).to.deep.equal({ noDelay: true, keepAlive: true, keepIdle: 7 });
  });

  it("the tls.createServer listener and 'tlsClientError' see the peer's address at once", async function () {
    const { key, cert } = localhostCertificate();
    const listener = cleanup.add(await TCP.listen());
    const server = tls.createServer({ key, cert }, (s) => {
      seen.push([s.remoteAddress, s.remotePort, s.remoteFamily, s.localAddress, s.localPort]);
      s.end();
    });
    const seen: unknown[][] = [];
    server.on('tlsClientError', (_err, s) => seen.push([s.remoteAddress, s.remotePort]));
    void served(cleanup, server, listener);
    const client = cleanup.add(tls.connect({ ...TCP.target(listener), ca: cert, servername: 'localhost' }));
    await once(client, 'secureConnect');
    const clientPort = client.localPort;
    client.resume();
    await once(client, 'close');
    const plain = await netClient(cleanup, TCP.target(listener));
    plain.resume();
    const failed = once(server, 'tlsClientError');
    plain.write('GET / HTTP/1.1\r\n\r\n');
    await failed;
    expect(seen).to.deep.equal([
      ['127.0.0.1', clientPort, 'IPv4', '127.0.0.1', listener.localPort],
      ['127.0.0.1', plain.localPort],
    ]);
  });

  it("cleartext http2: req.socket and the session's socket give the peer's address, from the 'session' event on", async function () {
    const listener = cleanup.add(await TCP.listen());
    const server = http2.createServer((req, res) => {
      const socket = req.stream.session!.socket;
      res.end(JSON.stringify([req.socket.remoteAddress, req.socket.remotePort, req.socket.remoteFamily, socket.localAddress, socket.localPort]));
    });
    let inSession: unknown;
    server.on('session', (session) => (inSession = session.socket.remoteAddress));
    void served(cleanup, server, listener);
    const socket = await netClient(cleanup, TCP.target(listener));
    const session = http2.connect('http://localhost', { createConnection: () => socket });
    cleanup.add(() => session.destroy());
    const req = session.request({ ':path': '/' });
    const body = String(await readAll(req));
    expect(JSON.parse(body)).to.deep.equal(['127.0.0.1', socket.localPort, 'IPv4', '127.0.0.1', listener.localPort]);
    expect(inSession).to.equal('127.0.0.1');
    session.close();
  });
});

describe("the guide's client recipes keep Node's TCP_NODELAY", function () {
  this.timeout(20000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it("http.Agent hands createConnection noDelay: true, which the recipe passes to makeSocket's nodelay; undici's recipe sets it", async function () {
    const server = http.createServer((req, res) => void readAll(req).then((body) => res.end(sha256(body))));
    cleanup.add(() => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const made: SocketStreamInternetActive[] = [];
    const connect = async (noDelay: boolean) => {
      const s = asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: port, nodelay: noDelay }), SocketStreamInternetActive);
      made.push(s);
      return s as unknown as net.Socket;
    };
    // examples/node-clients.ts: http.Agent.
    const agent = new http.Agent({ keepAlive: true });
    cleanup.add(() => agent.destroy());
    const asked: unknown[] = [];
    agent.createConnection = ((options: { noDelay?: boolean }, callback: (err: Error | null, s?: net.Socket) => void) => {
      asked.push(options.noDelay);
      connect(options.noDelay ?? true).then((s) => callback(null, s), callback);
    }) as typeof agent.createConnection;
    const upload = payload(64 * 1024 + 1);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.request({ agent, host: 'localhost', method: 'POST', path: '/' }, resolve).on('error', reject).end(upload);
    });
    expect(String(await readAll(res))).to.equal(sha256(upload));
    // examples/node-clients.ts: undici's connect option; undici's own connector sets TCP_NODELAY.
    const client = new Client('http://localhost', {
      connect: (_options, callback) => void connect(true).then((s) => callback(null, s), (err: Error) => callback(err, null)),
    });
    cleanup.add(() => client.close());
    const answer = await client.request({ path: '/', method: 'POST', body: upload });
    expect(await answer.body.text()).to.equal(sha256(upload));
    expect(asked).to.deep.equal([true]);
    expect(made.map((s) => s.getOption('tcpNodelay'))).to.deep.equal([true, true]);
  });
});
