// The C reference programs of bench/reference build with the system compiler and each runs once
// with a tiny count, printing a positive rate. Not a benchmark: nothing here looks at how fast.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { buildReferences, referenceBinary, runReference } from '../../bench/reference.js';
import { selectWorkloads } from '../../bench/workloads/index.js';

function hasCompiler(): boolean {
  try {
    execFileSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('bench C references', function () {
  before(function () {
    if (!hasCompiler()) this.skip(); // no `cc` on this machine: the bench reports C as missing too
    this.timeout(120_000);
    return buildReferences();
  });

  const tiny: Record<string, string[]> = {
    pingpong: ['50'],
    echo: ['4', '5'],
    accept: ['20', '4'],
    udp_recv: ['256', String(1 << 20), '64'],
    throughput: ['4'],
  };

  for (const [program, args] of Object.entries(tiny)) {
    it(`${program} runs once and prints a rate`, async function () {
      this.timeout(20_000);
      const value = await runReference({ program, args }, 15_000);
      expect(value).to.be.greaterThan(0);
    });
  }

  it('every socket workload with a reference names a program that is built', function () {
    const programs = selectWorkloads([]).map((w) => w.reference?.().program).filter((p): p is string => p !== undefined);
    expect(programs.sort()).to.deep.equal(Object.keys(tiny).sort());
  });
});

describe('bench HTTP load generator (bench/reference/http_load.c)', function () {
  this.timeout(60_000);
  const BODY = 'hello, world\n';
  let server: http.Server;
  let port: number;
  let status = 200;
  let served = 0;
  let closeAsked = 0;
  let uploadSkew = 0;
  const BIG = Buffer.alloc(3 * 1024 * 1024, 0x6b);

  before(async function () {
    if (!hasCompiler()) this.skip();
    await buildReferences();
    server = http.createServer((req, res) => {
      served++;
      if (req.headers.connection === 'close') closeAsked++;
      res.statusCode = status;
      if (req.method === 'POST') {
        // Answers the byte count, as the bench's handler does; a wrong count must fail the run.
        let n = 0;
        req.on('data', (chunk: Buffer) => (n += chunk.length));
        req.on('end', () => res.end(String(n + uploadSkew)));
      } else {
        res.end(req.url === '/big' ? BIG : BODY);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server?.close());
  beforeEach(() => {
    status = 200;
    served = 0;
    closeAsked = 0;
    uploadSkew = 0;
  });

  const run = (mode: string, connections: number, requests: number, ...more: string[]) => promisify(execFile)(referenceBinary('http_load'), [String(port), mode, String(connections), String(requests), ...more]);
  const parse = (stdout: string) => JSON.parse(stdout) as { requests: number; bytes: number; seconds: number };

  for (const [mode, connections, requests] of [['keepalive', 4, 40], ['newconn', 4, 20]] as const) {
    it(`${mode}: makes exactly the requests asked and reads every response whole`, async () => {
      const { stdout } = await run(mode, connections, requests);
      const result = parse(stdout);
      expect(result.requests).to.equal(requests);
      expect(served).to.equal(requests);
      expect(closeAsked).to.equal(mode === 'newconn' ? requests : 0);
      expect(result.seconds).to.be.greaterThan(0);
      // Every response is a head and the body; the byte count covers them all.
      expect(result.bytes).to.be.greaterThan(requests * BODY.length);
      expect(result.bytes % requests).to.equal(0);
    });
  }

  it('big: reads every 3 MiB body whole over keep-alive connections', async () => {
    const result = parse((await run('big', 2, 6)).stdout);
    expect(served).to.equal(6);
    expect(result.bytes).to.be.greaterThan(6 * BIG.length).and.lessThan(6 * (BIG.length + 512));
  });

  it('upload: sends every body whole and checks the byte count the server answers', async () => {
    const size = 5 * 1024 * 1024 + 17;
    const result = parse((await run('upload', 2, 4, String(size))).stdout);
    expect(served).to.equal(4);
    expect(result.bytes).to.be.greaterThan(4 * size).and.lessThan(4 * (size + 512));
    uploadSkew = 1;
    const failed = await run('upload', 1, 1, String(size)).then(() => null, (err: { code: number; stderr: string }) => err);
    expect(failed?.code).to.equal(1);
    expect(failed?.stderr).to.include('byte count');
  });

  it('fails, naming why, on a response that is not 200', async () => {
    status = 404;
    const failed = await run('keepalive', 1, 3).then(() => null, (err: { code: number; stderr: string }) => err);
    expect(failed?.code).to.equal(1);
    expect(failed?.stderr).to.include('not 200');
  });
});
