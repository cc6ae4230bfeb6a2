/**
 * Recipe: a Unix stream echo server. The server listens on a socket file, serves every
 * connection by piping it back to itself, and a client checks its bytes come back intact.
 * The socket file is removed when the server closes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSocket, withOpenSocket } from 'node-iolib/sockets';

const dir = mkdtempSync(join(tmpdir(), 'iolib-unix-echo-'));
const path = join(dir, 'echo.sock');

const server = await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path });
console.log(`echo server listening on ${server.localFilename}`);
const serving = (async () => {
  for await (const conn of server) conn.pipe(conn); // echo, with backpressure, until the client ends
})();

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const message = Buffer.alloc(1 << 20, 'iolib ');
await withOpenSocket({ addressFamily: 'local', remoteFilename: path }, async (socket) => {
  const client = socket;
  client.end(message); // write, then half-close: the server's pipe ends its side in turn
  const chunks: Buffer[] = [];
  for await (const chunk of client) chunks.push(chunk as Buffer);
  const echoed = Buffer.concat(chunks);
  console.log(`client: sent ${message.length} bytes, got ${echoed.length} back, ${sha256(echoed) === sha256(message) ? 'intact' : 'CORRUPTED'}`);
  if (sha256(echoed) !== sha256(message)) process.exitCode = 1;
});

await server.close();
await serving;
console.log(`server closed; socket file ${existsSync(path) ? 'still there' : 'removed'}`);
rmSync(dir, { recursive: true, force: true });
