/**
 * Helpers for the multiplexer tests: real FIFOs and pipes, fd counting, and a cleanup list.
 * Nothing here fakes the library under test.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'iolib-multiplex-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** A FIFO's two ends, non-blocking: `r` (read end) and `w` (write end). */
export interface Fifo {
  r: number;
  w: number;
}

/** Makes a FIFO, opens both ends non-blocking and unlinks it; `cleanup` closes what is still open. */
export function makeFifo(cleanup: Cleanup): Fifo {
  const path = join(dir, `fifo-${counter++}`);
  execFileSync('mkfifo', [path]);
  const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const w = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  unlinkSync(path);
  cleanup.fd(r);
  cleanup.fd(w);
  return { r, w };
}

/** A FIFO opened once, O_RDWR: one fd that is both ends (never hangs up). */
export function makeFifoRdwr(cleanup: Cleanup): number {
  const path = join(dir, `fifo-${counter++}`);
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  unlinkSync(path);
  return cleanup.fd(fd);
}

/** How many fds this process has open. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Things to close after each test, whatever happened: fds (unless closed already) and objects. */
export class Cleanup {
  private fds = new Set<number>();
  private objects: { close(): unknown }[] = [];

  /** Closes `fd` after the test unless the test closes it first with {@link closeFd}. */
  fd(fd: number): number {
    this.fds.add(fd);
    return fd;
  }

  /** Closes `fd` now (and not again later). */
  closeFd(fd: number): void {
    this.fds.delete(fd);
    closeSync(fd);
  }

  /** Closes `x` after the test. */
  add<T extends { close(): unknown }>(x: T): T {
    this.objects.push(x);
    return x;
  }

  async run(): Promise<void> {
    for (const x of this.objects.reverse()) await x.close();
    this.objects = [];
    for (const fd of this.fds) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * A Cleanup run after each test of the calling suite, which also fails the test if it left an
 * fd open.
 */
export function cleanupEachTest(): Cleanup {
  const cleanup = new Cleanup();
  let fdsBefore = 0;
  beforeEach(() => {
    fdsBefore = fdCount();
  });
  afterEach(async () => {
    await cleanup.run();
    expect(fdCount()).to.equal(fdsBefore, 'fds left behind');
  });
  return cleanup;
}

/** Runs `fn` after `ms` ms: makes something happen while a wait is pending. */
export function later(ms: number, fn: () => unknown): void {
  setTimeout(fn, ms);
}
