/**
 * HTTP servers on iolib sockets: Node's own http.Server, fed by serve() from a TCP listener and
 * a Unix-socket listener at once, then asked once over each with Node's http client; and an
 * HTTP/2 (cleartext) server fed the same way, asked with http2.connect.
 */
import http from 'node:http';
import http2 from 'node:http2';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSocket, serve, SocketStreamInternetPassive, SocketStreamLocalPassive } from 'node-iolib';

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`${req.method} ${req.url} from ${req.socket.remoteAddress ?? 'a local peer'}\n`);
});

const tcp = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
const unix = await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: join(tmpdir(), `iolib-http-${process.pid}.sock`) });
if (!(tcp instanceof SocketStreamInternetPassive) || !(unix instanceof SocketStreamLocalPassive)) throw new Error('unexpected socket kinds');
const serving = [serve(server, tcp), serve(server, unix)];
console.log(`listening on http://127.0.0.1:${tcp.localPort}/ and unix:${unix.localFilename}`);

async function get(options: http.RequestOptions): Promise<string> {
  const req = http.get(options);
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  let body = '';
  for await (const chunk of res) body += chunk;
  return `${res.statusCode} ${body.trim()}`;
}
console.log(await get({ host: '127.0.0.1', port: tcp.localPort!, path: '/over-tcp' }));
console.log(await get({ socketPath: unix.localFilename!, path: '/over-unix' }));

server.close(); // closes both listeners; serve() then resolves
await Promise.all(serving);

const h2 = http2.createServer((req, res) => res.end(`HTTP/${req.httpVersion} ${req.url}`));
const h2Listener = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
if (!(h2Listener instanceof SocketStreamInternetPassive)) throw new Error('unexpected socket kind');
const h2Serving = serve(h2, h2Listener);
const session = http2.connect(`http://127.0.0.1:${h2Listener.localPort}`);
let h2Body = '';
for await (const chunk of session.request({ ':path': '/over-http2' })) h2Body += chunk;
console.log(h2Body);
session.close();
h2.close();
await h2Serving;
console.log('closed');
