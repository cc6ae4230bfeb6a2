/**
 * Batched dispatch: the sockets one loop turn finds ready are served together, in one callback
 * scope. A handler that throws must still be the process's uncaught exception, and must cost
 * the other sockets of that turn nothing: they get their bytes, whole.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { start } from '../helpers/processes.js';

const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

// Three connected pairs; every client writes 64 KiB before the loop polls, so the three
// accepted ends are ready in the same turn. The first end's handler throws on its first chunk.
const child = (handled: boolean) => `
import { createHash } from 'node:crypto';
import { makeSocket } from ${JSON.stringify(libIndex)};
const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
const pairs = [];
for (let i = 0; i < 3; i++) {
  const accepted = server.acceptConnection();
  const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
  pairs.push([client, await accepted]);
}
const uncaught = [];
if (${handled}) process.on('uncaughtException', (err) => uncaught.push(err.message));
const payload = Buffer.alloc(65536, 0).map((_, i) => (i * 7 + 3) & 0xff);
const expected = createHash('sha256').update(payload).digest('hex');
const digests = await Promise.all(pairs.map(([client, conn], i) => new Promise((resolve) => {
  const hash = createHash('sha256');
  let n = 0;
  let thrown = false;
  conn.on('data', (chunk) => {
    hash.update(chunk);
    n += chunk.length;
    if (n === payload.length) resolve(hash.digest('hex'));
    if (i === 0 && !thrown) { thrown = true; throw new Error('thrown by handler 0'); }
  });
  client.write(payload);
})));
console.log(JSON.stringify({ uncaught, same: digests.map((d) => d === expected) }));
for (const [client, conn] of pairs) { client.destroy(); conn.destroy(); }
await server.close();
`;

describe('batched dispatch of ready sockets', function () {
  this.timeout(30_000);

  it("a 'data' handler that throws is the uncaught exception; the other ready sockets still get all their bytes", async () => {
    const run = start(process.execPath, ['--input-type=module', '-e', child(true)]);
    const done = await run.done;
    expect(done.stderr).to.equal('');
    expect(done.code).to.equal(0);
    expect(JSON.parse(done.stdout.toString())).to.deep.equal({ uncaught: ['thrown by handler 0'], same: [true, true, true] });
  });

  it('with no uncaughtException handler, the exception ends the process as Node reports it (exit code 1, no abort)', async () => {
    const run = start(process.execPath, ['--input-type=module', '-e', child(false)]);
    const done = await run.done;
    expect(done.signal).to.equal(null);
    expect(done.code).to.equal(1);
    expect(done.stderr).to.include('Error: thrown by handler 0');
    expect(done.stdout.toString()).to.equal('');
  });
});
