/**
 * Batched dispatch: the sockets one loop turn finds ready are served together, in one callback
 * scope, and their short reads reach JS in one call (a lone one takes plain calls). A handler
 * that throws must still be the process's uncaught exception, and must cost the other sockets
 * of that turn nothing: they get their bytes, whole. Run with full reads (64 KiB: each goes to
 * JS at once) and short ones (100 bytes: handed to JS together at the end of the turn). A
 * message socket's batch (recvmmsg) is the same: a throwing handler costs the batch's other
 * messages nothing.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { start } from '../helpers/processes.js';

const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

// Five connected pairs; every client writes `size` bytes before the loop polls, so the five
// accepted ends are ready in the same turn. The second end's handler throws on its first chunk.
const child = (handled: boolean, size: number) => `
import { createHash } from 'node:crypto';
import { makeSocket } from ${JSON.stringify(libIndex)};
const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
const pairs = [];
for (let i = 0; i < 5; i++) {
  const accepted = server.acceptConnection();
  const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
  pairs.push([client, await accepted]);
}
const uncaught = [];
if (${handled}) process.on('uncaughtException', (err) => uncaught.push(err.message));
const payload = Buffer.alloc(${size}, 0).map((_, i) => (i * 7 + 3) & 0xff);
const expected = createHash('sha256').update(payload).digest('hex');
const digests = await Promise.all(pairs.map(([client, conn], i) => new Promise((resolve) => {
  const hash = createHash('sha256');
  let n = 0;
  let thrown = false;
  conn.on('data', (chunk) => {
    hash.update(chunk);
    n += chunk.length;
    if (n === payload.length) resolve(hash.digest('hex'));
    if (i === 1 && !thrown) { thrown = true; throw new Error('thrown by handler 1'); }
  });
  client.write(payload);
})));
console.log(JSON.stringify({ uncaught, same: digests.map((d) => d === expected) }));
for (const [client, conn] of pairs) { client.destroy(); conn.destroy(); }
await server.close();
`;

// A lone ready socket is a batch of one, which takes plain calls instead of the batch's shared
// callback scope: its handler's exception must behave the same, and its later reads still come.
const loneChild = (handled: boolean) => `
import { makeSocketPair } from ${JSON.stringify(libIndex)};
const [a, b] = makeSocketPair();
const uncaught = [];
if (${handled}) process.on('uncaughtException', (err) => uncaught.push(err.message));
const got = [];
await new Promise((resolve) => {
  b.on('data', (chunk) => {
    got.push(chunk.toString());
    if (got.length === 2) resolve();
    if (got.length === 1) {
      setImmediate(() => a.write('second'));
      throw new Error('thrown by the lone handler');
    }
  });
  a.write('first');
});
console.log(JSON.stringify({ uncaught, got }));
a.destroy();
b.destroy();
`;

// 200 datagrams queued before the first read (sendTo completes at once), so they come in
// recvmmsg batches; the handler throws on the first. Every one must still arrive, in order.
const messageChild = (type: 'datagram' | 'seqpacket') => `
import { makeSocket, makeSocketPair } from ${JSON.stringify(libIndex)};
let a, b;
if (${JSON.stringify(type)} === 'datagram') {
  b = await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 });
  a = await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: b.localPort });
} else {
  [a, b] = makeSocketPair({ type: 'seqpacket' });
}
const uncaught = [];
process.on('uncaughtException', (err) => uncaught.push(err.message));
for (let i = 0; i < 200; i++) await a.sendTo(Buffer.from(String(i)));
const got = [];
await new Promise((resolve) => {
  b.on('data', (m) => {
    got.push(Number(m.data.toString()));
    if (got.length === 200) resolve();
    if (got.length === 1) throw new Error('thrown by the message handler');
  });
});
console.log(JSON.stringify({ uncaught, inOrder: got.every((n, i) => n === i), count: got.length }));
a.destroy();
b.destroy();
`;

describe('batched dispatch of ready sockets', function () {
  this.timeout(30_000);

  for (const [size, reads] of [[65536, 'full reads'], [100, 'short reads, handed to JS together']] as const) {
    describe(`${size}-byte messages (${reads})`, function () {
      it("a 'data' handler that throws is the uncaught exception; the other ready sockets still get all their bytes", async () => {
        const run = start(process.execPath, ['--input-type=module', '-e', child(true, size)]);
        const done = await run.done;
        expect(done.stderr).to.equal('');
        expect(done.code).to.equal(0);
        expect(JSON.parse(done.stdout.toString())).to.deep.equal({ uncaught: ['thrown by handler 1'], same: [true, true, true, true, true] });
      });

      it('with no uncaughtException handler, the exception ends the process as Node reports it (exit code 1, no abort)', async () => {
        const run = start(process.execPath, ['--input-type=module', '-e', child(false, size)]);
        const done = await run.done;
        expect(done.signal).to.equal(null);
        expect(done.code).to.equal(1);
        expect(done.stderr).to.include('Error: thrown by handler 1');
        expect(done.stdout.toString()).to.equal('');
      });
    });
  }

  describe('a lone ready socket (a batch of one, plain calls)', function () {
    it("a 'data' handler that throws is the uncaught exception, and the socket's next read still arrives", async () => {
      const done = await start(process.execPath, ['--input-type=module', '-e', loneChild(true)]).done;
      expect(done.stderr).to.equal('');
      expect(done.code).to.equal(0);
      expect(JSON.parse(done.stdout.toString())).to.deep.equal({ uncaught: ['thrown by the lone handler'], got: ['first', 'second'] });
    });

    it('with no uncaughtException handler, the exception ends the process (exit code 1, no abort)', async () => {
      const done = await start(process.execPath, ['--input-type=module', '-e', loneChild(false)]).done;
      expect(done.signal).to.equal(null);
      expect(done.code).to.equal(1);
      expect(done.stderr).to.include('Error: thrown by the lone handler');
      expect(done.stdout.toString()).to.equal('');
    });
  });

  for (const type of ['datagram', 'seqpacket'] as const) {
    it(`a ${type} socket: a 'data' handler that throws costs the rest of its message batch nothing`, async () => {
      const done = await start(process.execPath, ['--input-type=module', '-e', messageChild(type)]).done;
      expect(done.stderr).to.equal('');
      expect(done.code).to.equal(0);
      expect(JSON.parse(done.stdout.toString())).to.deep.equal({ uncaught: ['thrown by the message handler'], inOrder: true, count: 200 });
    });
  }
});
