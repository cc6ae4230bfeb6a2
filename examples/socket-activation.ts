/**
 * Socket activation: an HTTP server on the sockets systemd passes (a unit with `Accept=no`).
 * Run it under systemd, or by hand with the fds and variables set as systemd sets them:
 *   systemd-socket-activate -l 127.0.0.1:8080 node dist/examples/socket-activation.js
 * Without LISTEN_FDS it listens on a port of its own (IOLIB_PORT, default 0) instead.
 */
import http from 'node:http';
import { listenFds, makeSocket, serve, SocketStreamInternetPassive, SocketStreamLocalPassive } from 'node-iolib';

const server = http.createServer((req, res) => res.end(`hello from pid ${process.pid}, ${req.socket.remoteAddress ?? 'a local peer'}\n`));
const passed = listenFds();
const sockets = passed.length > 0
  ? passed.map((p) => p.socket)
  : [await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: Number(process.env['IOLIB_PORT'] ?? 0) })];
for (const listener of sockets) {
  if (!(listener instanceof SocketStreamInternetPassive || listener instanceof SocketStreamLocalPassive)) continue;
  console.log(`serving http on ${JSON.stringify(listener.address())}${passed.length ? ` (fd ${listener.fd}, from the service manager)` : ''}`);
  void serve(server, listener);
}
// Stop on SIGTERM, as systemd asks: closing the server closes every listener.
process.once('SIGTERM', () => server.close());
