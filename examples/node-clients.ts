/**
 * Node's clients over iolib sockets: an http.Agent and an https.Agent whose createConnection
 * makes iolib sockets (kept alive between requests), tls.connect({ socket }), http2.connect
 * with createConnection, undici's connect option, and a ws client. One node:net based server
 * of each kind answers on loopback. It also needs undici and ws, which iolib does not depend
 * on: `npm install undici ws` beside iolib to run it from an installed package.
 */
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import tls from 'node:tls';
import net from 'node:net';
import { once } from 'node:events';
import { Client } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { throwawayCertificate } from './certificate.js';
import { makeSocket } from 'node-iolib';

/**
 * An iolib TCP connection to 127.0.0.1:port, typed as the net.Socket Node's APIs ask for.
 * TCP_NODELAY is on unless `noDelay` is false, as Node's own clients have it (http.Agent's
 * `noDelay` option, undici's connector): with Nagle's algorithm, a request written in pieces
 * (headers, then the body) waits about 40 ms for the server's delayed ACK.
 */
async function connect(port: number, noDelay = true): Promise<net.Socket> {
  return (await makeSocket({ remoteHost: '127.0.0.1', remotePort: port, nodelay: noDelay })) as unknown as net.Socket;
}

/** What http.Agent hands createConnection: its options, with `noDelay` (true unless the agent was given false). */
type AgentOptions = { noDelay?: boolean };

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

async function text(res: AsyncIterable<unknown>): Promise<string> {
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

const { key, cert } = throwawayCertificate();

// http.Agent: createConnection(options, callback) may answer later, so an async connect fits;
// it passes on the agent's noDelay, as node:net's connections take it.
const httpServer = http.createServer((req, res) => res.end(`http ${req.url}`));
const httpPort = await listen(httpServer);
const agent = new http.Agent({ keepAlive: true });
agent.createConnection = ((options: AgentOptions, callback: (err: Error | null, socket?: net.Socket) => void) => {
  connect(httpPort, options.noDelay ?? true).then((s) => callback(null, s), callback);
}) as typeof agent.createConnection;
for (const path of ['/one', '/two']) {
  const req = http.get({ agent, host: 'localhost', path });
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  console.log(`http.Agent: ${await text(res)} (${req.reusedSocket ? 'kept-alive connection' : 'new connection'})`);
}
agent.destroy();

// https.Agent: the same, with TLS layered over the iolib socket.
const httpsServer = https.createServer({ key, cert }, (req, res) => res.end(`https ${req.url}`));
const httpsPort = await listen(httpsServer);
const secureAgent = new https.Agent({ keepAlive: true });
secureAgent.createConnection = ((options: AgentOptions, callback: (err: Error | null, socket?: net.Socket) => void) => {
  connect(httpsPort, options.noDelay ?? true).then((s) => callback(null, tls.connect({ socket: s, ca: cert, servername: 'localhost' })), callback);
}) as typeof secureAgent.createConnection;
{
  const req = https.get({ agent: secureAgent, host: 'localhost', path: '/secure' });
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  console.log(`https.Agent: ${await text(res)}`);
}
secureAgent.destroy();

// tls.connect({ socket }): TLS over a connection made first.
const tlsServer = tls.createServer({ key, cert }, (s) => s.end('tls hello'));
const tlsPort = await listen(tlsServer);
const secure = tls.connect({ socket: await connect(tlsPort), ca: cert, servername: 'localhost' });
await once(secure, 'secureConnect');
const protocol = secure.getProtocol();
console.log(`tls.connect: ${await text(secure)} (${protocol})`);

// http2.connect: createConnection must answer at once, so the socket is made before.
const h2Server = http2.createServer((req, res) => res.end(`http2 ${req.url}`));
const h2Port = await listen(h2Server);
const h2Socket = await connect(h2Port);
const session = http2.connect('http://localhost', { createConnection: () => h2Socket });
const stream = session.request({ ':path': '/h2' });
console.log(`http2.connect: ${await text(stream)}`);
session.close();

// undici: its connect option takes (options, callback). undici's own connector sets
// TCP_NODELAY; connect() above does too.
const undici = new Client(`http://localhost:${httpPort}`, {
  connect: (_options, callback) => void connect(httpPort).then((s) => callback(null, s), (err: Error) => callback(err, null)),
});
const res = await undici.request({ path: '/undici', method: 'GET' });
console.log(`undici: ${await res.body.text()}`);
await undici.close();

// ws: createConnection answers at once too.
const wsServer = http.createServer();
const wss = new WebSocketServer({ server: wsServer });
wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`ws echo ${m}`)));
const wsPort = await listen(wsServer);
const wsSocket = await connect(wsPort);
const ws = new WebSocket('ws://localhost/', { createConnection: () => wsSocket });
await once(ws, 'open');
ws.send('hi');
const [reply] = await once(ws, 'message');
console.log(`ws: ${reply}`);
ws.close();
await once(ws, 'close');

wss.close();
for (const s of [httpServer, httpsServer, tlsServer, h2Server, wsServer]) s.close();
console.log('done');
