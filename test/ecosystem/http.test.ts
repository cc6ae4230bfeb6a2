/**
 * Node's own protocol stacks over iolib stream sockets, TCP and Unix, in both directions: http
 * and https servers fed by serve() or emit('connection'), agents whose createConnection makes
 * iolib sockets (keep-alive reuse), http's idle timeouts, slow consumers, http2, tls, undici
 * and ws. Bodies are checked with SHA-256.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Client } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import {
  makeSocket, serve, SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive, SocketStreamLocalPassive,
} from '../../lib/sockets/index.js';
import { Cleanup, payload, readAll, sha256, tmpSocketPath } from '../helpers/sockets.js';
import { localhostCertificate } from '../helpers/tls-cert.js';

/** Response bodies, made once so their hashes can be compared. */
const BODY_1M = payload(1024 * 1024);
const BODY_2M = payload(2 * 1024 * 1024);
const BODY_3M = payload(3 * 1024 * 1024);
const BODY_4M = payload(4 * 1024 * 1024);

type Listener = SocketStreamInternetPassive | SocketStreamLocalPassive;
type Conn = SocketStreamInternetActive | SocketStreamLocalActive;

/** One address family's way to listen and connect, with iolib and with node:net options. */
interface Kind {
  name: string;
  listen(): Promise<Listener>;
  connect(listener: Listener | { port?: number; path?: string }): Promise<Conn>;
  /** http.request's options for an iolib listener. */
  nodeTarget(listener: Listener): { host: string; port: number } | { socketPath: string };
  /** net.connect's options for an iolib listener. */
  netTarget(listener: Listener): net.NetConnectOpts;
  /** A node:net listen target, and how iolib reaches it afterwards. */
  nodeListen(server: net.Server): Promise<{ port?: number; path?: string }>;
}

const KINDS: Kind[] = [
  {
    name: 'TCP',
    listen: async () => expectListener(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 })),
    connect: async (l) => expectConn(await makeSocket({ remoteHost: '127.0.0.1', remotePort: 'fd' in l ? l.localPort! : l.port! })),
    nodeTarget: (l) => ({ host: '127.0.0.1', port: l.localPort! }),
    netTarget: (l) => ({ host: '127.0.0.1', port: l.localPort! }),
    nodeListen: async (server) => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return { port: (server.address() as net.AddressInfo).port };
    },
  },
  {
    name: 'Unix',
    listen: async () => expectListener(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: tmpSocketPath('http') })),
    connect: async (l) => expectConn(await makeSocket({ addressFamily: 'local', remoteFilename: 'fd' in l ? l.localFilename! : l.path! })),
    nodeTarget: (l) => ({ socketPath: l.localFilename! }),
    netTarget: (l) => ({ path: l.localFilename! }),
    nodeListen: async (server) => {
      const path = tmpSocketPath('node-http');
      server.listen(path);
      await once(server, 'listening');
      return { path };
    },
  },
];

function expectListener(s: unknown): Listener {
  if (s instanceof SocketStreamInternetPassive || s instanceof SocketStreamLocalPassive) return s;
  throw new Error(`expected a passive stream socket, got ${String(s)}`);
}

function expectConn(s: unknown): Conn {
  if (s instanceof SocketStreamInternetActive || s instanceof SocketStreamLocalActive) return s;
  throw new Error(`expected an active stream socket, got ${String(s)}`);
}

/** Reads a request or response body and its SHA-256. */
async function bodyHash(stream: NodeJS.ReadableStream): Promise<{ length: number; hash: string }> {
  const body = await readAll(stream as unknown as import('node:stream').Readable);
  return { length: body.length, hash: sha256(body) };
}

/** An http handler that answers `${length} ${sha256}` of the request body, then `reply` if given. */
function hashingHandler(reply?: Buffer): http.RequestListener {
  return (req, res) => {
    void bodyHash(req).then(({ length, hash }) => {
      res.setHeader('x-request', `${length} ${hash}`);
      res.end(reply ?? '');
    });
  };
}

/** Closes an http-family server and the connections it still holds. */
function closeServer(server: http.Server | https.Server | http2.Http2Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

for (const kind of KINDS) {
  describe(`Node's ecosystem over iolib ${kind.name} sockets`, function () {
    this.timeout(60000);
    const cleanup = new Cleanup();
    afterEach(() => cleanup.run());

    it('an http.Server served by serve(): 8 MB up and 8 MB down from a node http client, intact', async function () {
      const listener = cleanup.add(await kind.listen());
      const reply = payload(8 * 1024 * 1024);
      const server = http.createServer(hashingHandler(reply));
      cleanup.add(closeServer(server));
      const serving = serve(server, listener);
      const upload = payload(8 * 1024 * 1024 + 3);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request({ ...kind.nodeTarget(listener), method: 'POST', path: '/' }, resolve);
        req.on('error', reject);
        req.end(upload);
      });
      expect(res.headers['x-request']).to.equal(`${upload.length} ${sha256(upload)}`);
      expect(await bodyHash(res)).to.deep.equal({ length: reply.length, hash: sha256(reply) });
      server.close();
      await serving;
      expect(listener.isOpen()).to.equal(false);
    });

    it("an http.Server fed by emit('connection') serves requests; req.socket is the iolib connection", async function () {
      const listener = cleanup.add(await kind.listen());
      let seen: unknown;
      const server = http.createServer((req, res) => {
        seen = req.socket;
        res.end(`${kind.name === 'TCP' ? req.socket.remoteAddress : 'local'}`);
      });
      cleanup.add(closeServer(server));
      void (async () => {
        for await (const conn of listener) server.emit('connection', conn);
      })();
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ ...kind.nodeTarget(listener), path: '/' }, resolve).on('error', reject));
      expect(String(await readAll(res))).to.equal(kind.name === 'TCP' ? '127.0.0.1' : 'local');
      expect(expectConn(seen)).to.be.an('object');
    });

    it('a node http.Server answers an iolib client through an http.Agent with keep-alive: one connection for three requests', async function () {
      const server = http.createServer(hashingHandler(BODY_2M));
      cleanup.add(closeServer(server));
      const target = await kind.nodeListen(server);
      let made = 0;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      cleanup.add(() => agent.destroy());
      agent.createConnection = ((_o: unknown, cb: (err: Error | null, s?: net.Socket) => void) => {
        made++;
        kind.connect(target).then((s) => cb(null, s as unknown as net.Socket), (err: Error) => cb(err));
      }) as typeof agent.createConnection;
      const sockets = new Set<unknown>();
      for (let i = 0; i < 3; i++) {
        const upload = payload(1024 * 1024 + i);
        const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
          const req = http.request({ agent, method: 'POST', host: 'localhost', path: `/${i}` }, resolve);
          req.on('error', reject);
          req.on('socket', (s) => sockets.add(s));
          req.end(upload);
        });
        expect(res.headers['x-request']).to.equal(`${upload.length} ${sha256(upload)}`);
        expect((await bodyHash(res)).length).to.equal(2 * 1024 * 1024);
      }
      expect(made).to.equal(1);
      expect(sockets.size).to.equal(1);
      expect(expectConn([...sockets][0])).to.be.an('object');
    });

    it('a slow handler that pauses the request still receives a 32 MB upload intact', async function () {
      const listener = cleanup.add(await kind.listen());
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (d: Buffer) => {
          chunks.push(d);
          req.pause();
          setImmediate(() => req.resume());
        });
        req.on('end', () => res.end(`${sha256(chunks)}`));
      });
      cleanup.add(closeServer(server));
      void serve(server, listener);
      const upload = payload(32 * 1024 * 1024);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request({ ...kind.nodeTarget(listener), method: 'POST', path: '/' }, resolve);
        req.on('error', reject);
        req.end(upload);
      });
      expect(String(await readAll(res))).to.equal(sha256(upload));
    });

    it("http's keepAliveTimeout closes an idle kept-alive iolib connection; server.timeout closes a silent one", async function () {
      const listener = cleanup.add(await kind.listen());
      const server = http.createServer((_req, res) => res.end('ok'));
      server.keepAliveTimeout = 150;
      server.timeout = 150;
      cleanup.add(closeServer(server));
      const conns: Conn[] = [];
      server.on('connection', (c: unknown) => conns.push(expectConn(c)));
      void serve(server, listener);
      // A raw client: node's own Agent would close at once, having read 'Keep-Alive: timeout=0'.
      const client = cleanup.add(net.connect(kind.netTarget(listener)));
      client.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      const [first] = await once(client, 'data');
      expect(String(first)).to.match(/^HTTP\/1.1 200 OK\r\n[^]*Connection: keep-alive\r\n[^]*\r\n\r\nok$/);
      const t0 = Date.now();
      const closed = once(client, 'close');
      client.resume();
      await once(conns[0]!, 'close');
      await closed;
      expect(Date.now() - t0).to.be.at.least(140);
      // A client that connects and says nothing: server.timeout ends it.
      const silent = net.connect(kind.netTarget(listener));
      cleanup.add(silent);
      silent.resume();
      await once(silent, 'close');
      expect(conns.length).to.equal(2);
      expect(conns[1]!.destroyed).to.equal(true);
    });

    it("serve() tells the server 'listening': headersTimeout answers 408 to a client that never ends its headers", async function () {
      this.timeout(10000);
      const listener = cleanup.add(await kind.listen());
      const server = http.createServer({ headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 }, (_req, res) => res.end('ok'));
      let told = 0;
      // What a 'listening' handler written for listen() reads.
      server.on('listening', () => {
        told++;
        expect(server.listening).to.equal(true);
        expect(server.address()).to.deep.equal(listener.address());
      });
      const serving = serve(server, listener);
      await once(server, 'listening');
      expect(told).to.equal(1);
      const client = cleanup.add(net.connect(kind.netTarget(listener)));
      client.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      const [reply] = await once(client, 'data');
      expect(String(reply)).to.match(/^HTTP\/1.1 408 Request Timeout\r\n/);
      // close(callback) calls back as a listening net.Server's does: no ERR_SERVER_NOT_RUNNING.
      const closeErr = await new Promise((resolve) => server.close(resolve));
      expect(closeErr).to.equal(undefined);
      expect(server.listening).to.equal(false);
      expect(server.address()).to.equal(null);
      await serving;
    });

    it('server.close() closes an idle kept-alive connection at once; two listeners tell the server once', async function () {
      this.timeout(10000);
      const first = cleanup.add(await kind.listen());
      const second = cleanup.add(await kind.listen());
      const server = http.createServer({ keepAliveTimeout: 60000 }, (_req, res) => res.end('ok'));
      let told = 0;
      server.on('listening', () => told++);
      cleanup.add(closeServer(server));
      const serving = [serve(server, first), serve(server, second)];
      const agent = new http.Agent({ keepAlive: true });
      cleanup.add(() => agent.destroy());
      const conns: Conn[] = [];
      server.on('connection', (c: unknown) => conns.push(expectConn(c)));
      let kept: net.Socket | undefined;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http.get({ ...kind.nodeTarget(second), agent }, resolve).on('error', reject).on('socket', (s) => (kept = s));
      });
      expect(String(await readAll(res))).to.equal('ok');
      expect(told).to.equal(1);
      const closed = [once(conns[0]!, 'close'), once(kept!, 'close')];
      server.close();
      await Promise.all(closed);
      await Promise.all(serving);
      expect(first.isOpen()).to.equal(false);
      expect(second.isOpen()).to.equal(false);
    });

    it('an https.Server served by serve() over TLS: intact bodies, and req.socket.remoteAddress', async function () {
      const { key, cert } = localhostCertificate();
      const listener = cleanup.add(await kind.listen());
      let remote: string | undefined;
      const server = https.createServer({ key, cert }, (req, res) => {
        remote = req.socket.remoteAddress;
        hashingHandler(BODY_3M)(req, res);
      });
      cleanup.add(closeServer(server));
      void serve(server, listener);
      const upload = payload(3 * 1024 * 1024 + 11);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = https.request({ ...kind.nodeTarget(listener), ca: cert, servername: 'localhost', method: 'POST', path: '/' }, resolve);
        req.on('error', reject);
        req.end(upload);
      });
      expect(res.headers['x-request']).to.equal(`${upload.length} ${sha256(upload)}`);
      expect((await bodyHash(res)).hash).to.equal(sha256(BODY_3M));
      expect(remote).to.equal(kind.name === 'TCP' ? '127.0.0.1' : undefined);
    });

    it('an https.Agent whose createConnection layers tls.connect({ socket }) over iolib, with keep-alive', async function () {
      const { key, cert } = localhostCertificate();
      const server = https.createServer({ key, cert }, hashingHandler(BODY_1M));
      cleanup.add(closeServer(server));
      const target = await kind.nodeListen(server);
      let made = 0;
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      cleanup.add(() => agent.destroy());
      agent.createConnection = ((_o: unknown, cb: (err: Error | null, s?: net.Socket) => void) => {
        made++;
        kind.connect(target).then((s) => cb(null, tls.connect({ socket: s as unknown as net.Socket, ca: cert, servername: 'localhost' })), (err: Error) => cb(err));
      }) as typeof agent.createConnection;
      for (let i = 0; i < 2; i++) {
        const upload = payload(512 * 1024 + i);
        const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
          const req = https.request({ agent, method: 'POST', host: 'localhost', path: '/' }, resolve);
          req.on('error', reject);
          req.end(upload);
        });
        expect(res.headers['x-request']).to.equal(`${upload.length} ${sha256(upload)}`);
        expect((await bodyHash(res)).length).to.equal(1024 * 1024);
      }
      expect(made).to.equal(1);
    });

    it('new tls.TLSSocket(conn, { isServer: true }) over an accepted iolib connection talks to tls.connect', async function () {
      const { key, cert } = localhostCertificate();
      const listener = cleanup.add(await kind.listen());
      const accepted = listener.acceptConnection();
      const raw = net.connect(kind.netTarget(listener));
      cleanup.add(raw);
      const client = tls.connect({ socket: raw, ca: cert, servername: 'localhost' });
      cleanup.add(client);
      const conn = cleanup.add(expectConn(await accepted));
      const secure = new tls.TLSSocket(conn as unknown as net.Socket, { isServer: true, secureContext: tls.createSecureContext({ key, cert }) });
      cleanup.add(secure);
      const data = payload(2 * 1024 * 1024);
      const reading = readAll(secure);
      client.end(data);
      expect(sha256(await reading)).to.equal(sha256(data));
    });

    it('http2: a server fed by emit(\'connection\') and http2.connect with createConnection returning an iolib socket', async function () {
      const listener = cleanup.add(await kind.listen());
      const server = http2.createServer();
      server.on('stream', (stream, headers) => {
        void bodyHash(stream).then(({ length, hash }) => {
          stream.respond({ ':status': 200, 'x-request': `${length} ${hash} ${headers[':path']}` });
          stream.end(BODY_1M);
        });
      });
      cleanup.add(closeServer(server));
      void (async () => {
        for await (const conn of listener) server.emit('connection', conn);
      })();
      const socket = await kind.connect(listener);
      const session = http2.connect('http://localhost', { createConnection: () => socket as unknown as net.Socket });
      cleanup.add(() => session.destroy());
      const upload = payload(2 * 1024 * 1024 + 5);
      const req = session.request({ ':method': 'POST', ':path': '/h2' });
      req.end(upload);
      const [headers] = await once(req, 'response');
      expect(headers['x-request']).to.equal(`${upload.length} ${sha256(upload)} /h2`);
      expect((await bodyHash(req)).hash).to.equal(sha256(BODY_1M));
      session.close();
    });

    it("undici's Client with a connect option that makes iolib sockets", async function () {
      const server = http.createServer(hashingHandler(BODY_4M));
      cleanup.add(closeServer(server));
      const target = await kind.nodeListen(server);
      const client = new Client('http://localhost', {
        connect: (_opts, cb) => {
          kind.connect(target).then((s) => cb(null, s as unknown as net.Socket), (err: Error) => cb(err, null));
        },
      });
      cleanup.add(() => client.close());
      const upload = payload(1024 * 1024 + 1);
      const res = await client.request({ path: '/', method: 'POST', body: upload });
      expect(res.headers['x-request']).to.equal(`${upload.length} ${sha256(upload)}`);
      const body = Buffer.from(await res.body.arrayBuffer());
      expect(sha256(body)).to.equal(sha256(BODY_4M));
    });

    it('ws: a WebSocketServer on an http server served by iolib, and a ws client over an iolib socket', async function () {
      const listener = cleanup.add(await kind.listen());
      const server = http.createServer();
      const wss = new WebSocketServer({ server });
      wss.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(sha256(data))));
      cleanup.add(() => wss.close());
      cleanup.add(closeServer(server));
      void serve(server, listener);
      const socket = await kind.connect(listener);
      const ws = new WebSocket('ws://localhost/', { createConnection: () => socket as unknown as net.Socket });
      cleanup.add(() => ws.terminate());
      await once(ws, 'open');
      const message = payload(3 * 1024 * 1024);
      ws.send(message);
      const [reply] = await once(ws, 'message');
      expect(String(reply)).to.equal(sha256(message));
      ws.close();
      await once(ws, 'close');
    });
  });
}
