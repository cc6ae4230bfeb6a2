import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const lib = new URL('../../lib/multiplex/index.js', import.meta.url).href;

/** Runs `body` in a child node process (with `m` = iolib/multiplex) and returns its stdout. */
async function child(body: string): Promise<string> {
  const script = `
    import { execFileSync } from 'node:child_process';
    import fs from 'node:fs';
    import os from 'node:os';
    import path from 'node:path';
    const m = await import(${JSON.stringify(lib)});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolib-exit-'));
    const fifoPath = path.join(dir, 'f');
    execFileSync('mkfifo', [fifoPath]);
    const r = fs.openSync(fifoPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const w = fs.openSync(fifoPath, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.rmSync(dir, { recursive: true });
    ${body}
    process.stdout.write('done');
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
  return stdout;
}

describe('multiplex: nothing keeps the process alive', () => {
  it('exits with an idle Poller, an idle EventBase and settled waits left open (never closed)', async () => {
    const out = await child(`
      const poller = new m.Poller().register(r);
      await poller.poll({ timeout: 10 });
      fs.writeSync(w, 'x');
      await poller.poll();
      const base = new m.EventBase();
      base.setIoHandler(w, 'read', () => {}, { timeout: 60_000 });
      base.addTimer(() => {}, 60_000, { oneShot: false });
      await base.eventDispatch({ timeout: 10 });
      const other = new m.EventBase();
      other.addTimer(() => {}, 60_000);
      await m.waitUntilFdReady(w, 'write');
      await m.waitUntilFdReady(r, 'read', { timeout: 5 }).catch(() => {});
    `);
    expect(out).to.equal('done');
  });

  it('exits after close() of a Poller whose poll was waiting, and of a dispatching EventBase', async () => {
    const out = await child(`
      const poller = new m.Poller().register(r);
      const pending = poller.poll().catch((e) => e.code);
      poller.close();
      if (await pending !== 'ERR_POLLER_CLOSED') throw new Error('not rejected');
      const base = new m.EventBase();
      base.setIoHandler(r, 'read', () => {});
      base.addTimer(() => base.close(), 5);
      await base.eventDispatch();
    `);
    expect(out).to.equal('done');
  });
});
