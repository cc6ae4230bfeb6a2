/**
 * A process whose very first socket read is an error (a connected UDP socket hearing ICMP port
 * unreachable for its earlier send) gets the error as data, not a crash: the read pool handed
 * to JS must exist even when the batch carries no bytes. Run in a child process, where the
 * first read is known to be this one.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

describe('sockets: an error as the first read of a process', function () {
  it('a connected UDP socket that was refused reads on and stays usable', async function () {
    const script = `const L = await import(${JSON.stringify(libIndex)});
      const rx = await L.makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 });
      const port = rx.localPort; await rx.close();
      const s = await L.makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port });
      s.write(Buffer.from('to nobody'));
      // The refusal comes back as ICMP (a pending error makes the fd readable); reading starts after.
      await L.waitUntilFdReady(s, 'read');
      s.on('data', () => {});
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      console.log(s.destroyed ? 'destroyed' : 'open');
      await s.close();`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 15000 });
    expect(stdout.trim()).to.equal('open');
  });
});
