/**
 * Every recipe under examples/ runs as a child process, as a reader would run it, with a time
 * limit: it must exit 0 and print what it promises. A recipe that cannot run on this machine
 * (multicast without a loopback route) exits 3 after a "skip: reason" line, and the test skips
 * naming that reason.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { skipFor } from '../helpers/sockets.js';
import { start } from '../helpers/processes.js';

const CANNOT_RUN = 3;

/** Each recipe and a line of its output that shows it did its job. */
const RECIPES: [file: string, expected: RegExp][] = [
  ['echo', /^done: server closed, every message came back intact$/m],
  ['unix-echo', /^client: sent 1048576 bytes, got 1048576 back, intact$/m],
  ['unix-datagram-service', /^every request was answered to its own sender$/m],
  ['fd-passing', /^every connection was served by the child$/m],
  ['multicast', /^every receiver heard every datagram$/m],
  ['reuseport-workers', /^60\/60 connections answered by \d of 3 workers$/m],
  ['seqpacket', /^one answer per record: boundaries kept$/m],
  ['poller-fifo', /^event base: read \["tick 1","tick 2","tick 3","tick 4","tick 5"\]$/m],
  ['subnet-calculator', /^192\.168\.2\.77 is in 192\.168\.2\.0\/24$/m],
  ['http-server', /^200 GET \/over-tcp from 127\.0\.0\.1\n200 GET \/over-unix from a local peer\nHTTP\/2\.0 \/over-http2\nclosed$/m],
  ['https-server', /^200 secure hello to 127\.0\.0\.1 \(TLSv1\.3\)\nclosed$/m],
  ['node-clients', /^http\.Agent: http \/one \(new connection\)\nhttp\.Agent: http \/two \(kept-alive connection\)\nhttps\.Agent: https \/secure\ntls\.connect: tls hello \(TLSv1\.3\)\nhttp2\.connect: http2 \/h2\nundici: http \/undici\nws: ws echo hi\ndone$/m],
];

describe('examples (recipes run as child processes)', function () {
  this.timeout(60_000);
  for (const [file, expected] of RECIPES) {
    it(`examples/${file}.ts`, async function () {
      const script = fileURLToPath(new URL(`../../examples/${file}.js`, import.meta.url));
      const r = await start(process.execPath, [script], { timeoutMs: 45_000, stdin: 'ignore' }).done;
      const out = r.stdout.toString();
      if (r.code === CANNOT_RUN) skipFor(this, /^skip: (.*)$/m.exec(out)?.[1] ?? 'the recipe cannot run here');
      expect(r.signal, `killed (time limit?); output:\n${out}${r.stderr}`).to.equal(null);
      expect(r.code, `exit status; output:\n${out}${r.stderr}`).to.equal(0);
      expect(r.stderr, 'nothing on stderr').to.equal('');
      expect(out).to.match(expected);
    });
  }
});
