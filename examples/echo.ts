/**
 * The demo: an echo server and a client made with makeSocket, exchanging a few messages over
 * loopback and checking each one comes back intact.
 */
import { createHash } from 'node:crypto';
import { makeSocket, withOpenSocket } from 'node-iolib';

const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
console.log(`echo server listening on ${server.localHost}:${server.localPort} (fd ${server.fd})`);

// Serve each connection by piping it back to itself.
const serving = (async () => {
  for await (const conn of server) {
    console.log(`  server: accepted ${conn.remoteHost}:${conn.remotePort}`);
    conn.pipe(conn);
  }
})();

const messages = ['hello, iolib', 'a second line', 'x'.repeat(100_000)];
await withOpenSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }, async (client) => {
  console.log(`client connected from ${client.localHost}:${client.localPort}`);
  for (const message of messages) {
    client.write(message);
    let echoed = '';
    for await (const chunk of client.iterator({ destroyOnReturn: false })) {
      echoed += chunk.toString();
      if (echoed.length >= message.length) break;
    }
    const same = echoed === message;
    const digest = createHash('sha256').update(echoed).digest('hex').slice(0, 16);
    console.log(`client: sent ${message.length} bytes, got ${echoed.length} back, sha256 ${digest}, ${same ? 'intact' : 'CORRUPTED'}`);
    if (!same) process.exitCode = 1;
  }
});
await server.close();
await serving;
console.log('done: server closed, every message came back intact');
