/**
 * Recipe: a Unix datagram service with replies. The server binds a socket file and answers each
 * request datagram to the address it came from (`message.filename`); clients bind their own
 * names so the answers can reach them. Message boundaries are kept: one datagram, one request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSocket, type Message } from 'node-iolib/sockets';

const dir = mkdtempSync(join(tmpdir(), 'iolib-dgram-service-'));
const serverPath = join(dir, 'upper.sock');

// The service: each request is a text; the reply is the text in capitals.
const server = await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: serverPath });
console.log(`service bound to ${server.localFilename}`);
const serving = (async () => {
  for await (const request of server as AsyncIterable<Message>) {
    if (!request.filename) continue; // an unnamed sender cannot be answered
    // sendTo, not write(): a client gone before its reply (ECONNREFUSED, ENOENT) costs only that
    // reply, where a failed write() would end the stream, and the service with it.
    try {
      await server.sendTo(Buffer.from(request.data.toString().toUpperCase()), { remoteFilename: request.filename, abstract: request.abstract === true });
    } catch (err) {
      console.error(`no reply to ${request.filename}: ${(err as Error).message}`);
    }
  }
})();

// Two clients, each bound to its own name, each connected to the service.
async function ask(name: string, texts: string[]): Promise<string[]> {
  const client = (await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: join(dir, name), remoteFilename: serverPath }));
  try {
    const replies: string[] = [];
    const incoming = client[Symbol.asyncIterator]();
    for (const text of texts) {
      client.write(Buffer.from(text));
      const { value } = await incoming.next();
      replies.push((value as Message).data.toString());
    }
    return replies;
  } finally {
    await client.close();
  }
}

const [a, b] = await Promise.all([ask('alice.sock', ['hello', 'datagrams']), ask('bob.sock', ['keep', 'their', 'boundaries'])]);
console.log(`alice got ${JSON.stringify(a)}`);
console.log(`bob got ${JSON.stringify(b)}`);
const ok = a.join() === 'HELLO,DATAGRAMS' && b.join() === 'KEEP,THEIR,BOUNDARIES';
console.log(ok ? 'every request was answered to its own sender' : 'WRONG replies');
if (!ok) process.exitCode = 1;

await server.close();
await serving;
rmSync(dir, { recursive: true, force: true });
