/**
 * Recipe: seqpacket, a connection that keeps message boundaries. A server accepts a connection
 * and answers each record with its length; the client sends records of very different sizes
 * at once and gets exactly one answer per record, in order, and the end of the connection
 * when the server shuts down its side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSocket, type Message } from 'node-iolib/sockets';

const dir = mkdtempSync(join(tmpdir(), 'iolib-seqpacket-'));
const path = join(dir, 'records.sock');

const server = await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: path });
const serving = (async () => {
  const conn = (await server.acceptConnection());
  for await (const record of conn as AsyncIterable<Message>) conn.write(Buffer.from(`${record.data.length}`));
  conn.end(); // the client's reads end once our answers are through
  await conn.close();
})();

const client = (await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: path }));
// (No empty record: recv(2) answers 0 for it, which reads as the end of the connection.)
const sizes = [1, 1000, 60_000, 7, 32_768];
for (const size of sizes) client.write(Buffer.alloc(size, 'x'));
client.end(); // no more records: the server's loop ends

const answers: number[] = [];
for await (const record of client as AsyncIterable<Message>) answers.push(Number(record.data.toString()));
console.log(`sent records of ${sizes.join(', ')} bytes; the server saw ${answers.join(', ')}`);
const ok = answers.join() === sizes.join();
console.log(ok ? 'one answer per record: boundaries kept' : 'boundaries LOST');
if (!ok) process.exitCode = 1;

await client.close();
await serving;
await server.close();
rmSync(dir, { recursive: true, force: true });
