/**
 * The recipes of docs/node-ecosystem.md, run as a user runs them: each example as its own
 * process, its output checked line by line.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function example(name: string): Promise<string[]> {
  const file = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  const { stdout } = await run(process.execPath, [file], { timeout: 30000 });
  return stdout.trim().split('\n');
}

describe('docs/node-ecosystem.md recipes (examples/)', function () {
  this.timeout(40000);

  it('http-server: http.Server over TCP and Unix listeners, and an HTTP/2 server, via serve()', async function () {
    const lines = await example('http-server');
    expect(lines[0]).to.match(/^listening on http:\/\/127\.0\.0\.1:\d+\/ and unix:\/.+\.sock$/);
    expect(lines.slice(1)).to.deep.equal(['200 GET /over-tcp from 127.0.0.1', '200 GET /over-unix from a local peer', 'HTTP/2.0 /over-http2', 'closed']);
  });

  it('https-server: https.Server via serve(), the peer address kept through TLS', async function () {
    const lines = await example('https-server');
    expect(lines[0]).to.match(/^listening on https:\/\/localhost:\d+\/$/);
    expect(lines.slice(1)).to.deep.equal(['200 secure hello to 127.0.0.1 (TLSv1.3)', 'closed']);
  });

  it('node-clients: agents, tls.connect, http2.connect, undici and ws over iolib sockets', async function () {
    expect(await example('node-clients')).to.deep.equal([
      'http.Agent: http /one (new connection)',
      'http.Agent: http /two (kept-alive connection)',
      'https.Agent: https /secure',
      'tls.connect: tls hello (TLSv1.3)',
      'http2.connect: http2 /h2',
      'undici: http /undici',
      'ws: ws echo hi',
      'done',
    ]);
  });
});
