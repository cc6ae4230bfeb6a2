/**
 * Recipe: readiness on fds that are not sockets. Named pipes (FIFOs) opened with node:fs are
 * watched first with a Poller (which of two is ready?), then with IOLib's EventBase: a repeating
 * timer writes ticks into a pipe, a read handler reads them, and the hang-up when the writer
 * closes ends the event loop. Any pollable fd works the same way: pipes, ttys, eventfds,
 * inotify, another library's sockets.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBase, Poller, type IoHandlerEvent } from 'node-iolib/multiplex';

const dir = mkdtempSync(join(tmpdir(), 'iolib-poller-'));
/** A FIFO's two ends, non-blocking (the read end first, so the write end can open). */
function fifo(name: string): { read: number; write: number } {
  const path = join(dir, name);
  if (spawnSync('mkfifo', [path]).status !== 0) throw new Error('mkfifo failed');
  const read = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const write = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  return { read, write };
}

/** Everything a non-blocking fd holds now ('' when empty, null at end of file). */
function drain(fd: number): string | null {
  const buffer = Buffer.alloc(4096);
  let text = '';
  for (;;) {
    try {
      const n = readSync(fd, buffer);
      if (n === 0) return text === '' ? null : text;
      text += buffer.toString('utf8', 0, n);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return text;
      throw err;
    }
  }
}

// 1. Poller: two pipes registered, one written; poll() says which.
const a = fifo('a');
const b = fifo('b');
const poller = new Poller();
poller.register(a.read, { read: true }).register(b.read, { read: true });
console.log(`poller: nothing written yet, poll({ timeout: 50 }) -> ${(await poller.poll({ timeout: 50 })).length} events`);
writeSync(b.write, 'hello from b');
const events = await poller.poll({ timeout: 5000 });
console.log(`poller: after writing to b -> ${events.map((e) => `fd ${e.fd} ${e.fd === b.read ? '(b)' : '(a)'} read=${e.read}`).join(', ')}; b holds "${drain(b.read)}"`);
poller.close();

// 2. EventBase: a timer writes five ticks into pipe a; a read handler collects them.
const base = new EventBase();
const ticks: string[] = [];
let sent = 0;
const timer = base.addTimer(() => {
  writeSync(a.write, `tick ${++sent}\n`);
  if (sent === 5) {
    base.removeTimer(timer);
    closeSync(a.write); // the reader sees the hang-up next
  }
}, 20, { oneShot: false });
base.setIoHandler(a.read, 'read', (_fd, event: IoHandlerEvent) => {
  const text = drain(a.read);
  if (text) ticks.push(...text.trim().split('\n'));
  if (text === null || event === 'hangup') {
    console.log(`event base: the writer hung up (${event}) after ${ticks.length} ticks`);
    base.removeFdHandlers(a.read);
    base.exitEventLoop();
  }
});
await base.eventDispatch({ timeout: 10_000 });
base.close();
console.log(`event base: read ${JSON.stringify(ticks)}`);

for (const fd of [a.read, b.read, b.write]) closeSync(fd);
rmSync(dir, { recursive: true, force: true });
if (ticks.length !== 5 || events.length !== 1 || events[0]!.fd !== b.read) process.exitCode = 1;
