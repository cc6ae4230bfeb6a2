/**
 * An HTTPS server on an iolib socket: https.Server fed by serve(), with a throw-away
 * certificate made by the openssl command, asked once with Node's https client.
 */
import https from 'node:https';
import { once } from 'node:events';
import { throwawayCertificate } from './certificate.js';
import { makeSocket, serve, SocketStreamInternetPassive } from 'node-iolib';

const { key, cert } = throwawayCertificate();

const server = https.createServer({ key, cert }, (req, res) => res.end(`secure hello to ${req.socket.remoteAddress}\n`));
const listener = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
if (!(listener instanceof SocketStreamInternetPassive)) throw new Error('unexpected socket kind');
const serving = serve(server, listener);
console.log(`listening on https://localhost:${listener.localPort}/`);

const req = https.get({ host: '127.0.0.1', servername: 'localhost', port: listener.localPort!, ca: cert, path: '/' });
const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol();
let body = '';
for await (const chunk of res) body += chunk;
console.log(`${res.statusCode} ${body.trim()} (${protocol})`);
server.close();
await serving;
console.log('closed');
