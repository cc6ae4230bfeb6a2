/**
 * Helpers for test/sockets-kinds (local, datagram, seqpacket, raw, fd passing, multicast):
 * cleanup lists, unique Unix paths, fd counting, python3 as a foreign peer, and reading whole
 * messages from object-mode sockets. Nothing here fakes the library under test.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as dgram from 'node:dgram';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { expect } from 'chai';
import { skipFor } from './sockets.js';

type Closable =
  | net.Server
  | dgram.Socket
  | { close(options?: { abort?: boolean }): Promise<void> | unknown }
  | { destroy(): unknown }
  | (() => unknown);

/** Things a test opened, closed after it whatever happened (call `run()` from afterEach). */
export class KindsCleanup {
  private items: Closable[] = [];

  add<T extends Closable>(item: T): T {
    this.items.push(item);
    return item;
  }

  /** Removes a path after the test (socket files a test made and may have left). */
  path(p: string): string {
    this.items.push(() => rmSync(p, { force: true }));
    return p;
  }

  async run(): Promise<void> {
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        if (typeof item === 'function') await item();
        else if (item instanceof net.Server) await new Promise<void>((resolve) => item.close(() => resolve()));
        else if (item instanceof net.Socket) item.destroy();
        else if (item instanceof dgram.Socket) item.close();
        else if ('close' in item && typeof item.close === 'function') await item.close({ abort: true });
        else if ('destroy' in item && typeof item.destroy === 'function') item.destroy();
      } catch {
        // Cleanup never masks the test's own failure.
      }
    }
  }
}

/** A fresh, unique path for a Unix socket under os.tmpdir(). */
export function kindsPath(tag: string): string {
  return join(tmpdir(), `iolib-kinds-${process.pid}-${tag}-${randomBytes(5).toString('hex')}`);
}

/** A fresh, unique name for the Linux abstract namespace. */
export function abstractName(tag: string): string {
  return `iolib-kinds-${process.pid}-${tag}-${randomBytes(5).toString('hex')}`;
}

/** How many fds this process has open. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The set of fd numbers this process has open. */
export function openFds(): Set<number> {
  // readdir's own directory fd is listed too, and is closed again by now: keep only live ones.
  return new Set(readdirSync('/proc/self/fd').map(Number).filter((fd) => {
    try {
      readlinkSync(`/proc/self/fd/${fd}`);
      return true;
    } catch {
      return false;
    }
  }));
}

/** sha256 hex of one or more buffers. */
export function digest(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** A message of an object-mode socket, as read. */
export interface ReadMessage {
  data: Buffer;
  host?: { toString(): string };
  port?: number;
  filename?: string;
  abstract?: boolean;
  truncated?: boolean;
}

/**
 * Reads the next object from an object-mode readable (paused mode). Rejects when the stream
 * ends, errors or closes first, or after `ms`.
 */
export async function nextMessage(stream: Readable, ms = 5000, what = 'a message'): Promise<ReadMessage> {
  const got = await nextOrEnd(stream, ms, what);
  if (got === null) throw new Error(`stream ended while waiting for ${what}`);
  return got;
}

/** Like {@link nextMessage} but resolves null at the end of the stream. */
export async function nextOrEnd(stream: Readable, ms = 5000, what = 'a message'): Promise<ReadMessage | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const chunk = stream.read() as ReadMessage | null;
    if (chunk !== null) return chunk;
    if (stream.readableEnded) return null;
    if (stream.destroyed) throw (stream as Readable & { errored?: Error }).errored ?? new Error(`stream closed while waiting for ${what}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), left);
    try {
      await Promise.race([
        once(stream, 'readable', { signal: ac.signal }),
        once(stream, 'end', { signal: ac.signal }),
        once(stream, 'close', { signal: ac.signal }),
      ]);
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
  }
}

/** Reads exactly `n` messages. */
export async function readMessages(stream: Readable, n: number, ms = 10000): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) out.push(await nextMessage(stream, Math.max(1, deadline - Date.now()), `message ${out.length + 1} of ${n}`));
  return out;
}

/** The result of a python3 run. */
export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let pythonChecked: boolean | undefined;
/** Whether python3 runs here. */
export async function havePython(): Promise<boolean> {
  if (pythonChecked !== undefined) return pythonChecked;
  try {
    const r = await runPython('print("ok")', []);
    pythonChecked = r.code === 0 && r.stdout.trim() === 'ok';
  } catch {
    pythonChecked = false;
  }
  return pythonChecked;
}

/** Skips the current test when python3 is missing. */
export async function requirePython(ctx: Mocha.Context): Promise<void> {
  if (!(await havePython())) skipFor(ctx, 'python3 is not available as a foreign peer');
}

/**
 * A running python3 peer: `python3 -c code ...args`, with `extraFds` given to the child as
 * fds 3, 4, ... Resolve `done` for its exit; stdout/stderr are collected.
 */
export function startPython(code: string, args: string[], extraFds: number[] = []): {
  child: ReturnType<typeof spawn>;
  done: Promise<PythonResult>;
} {
  const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', ...extraFds];
  const child = spawn('python3', ['-c', code, ...args], { stdio });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<PythonResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Runs python3 to completion; resolves with its exit code and output. */
export function runPython(code: string, args: string[], extraFds: number[] = []): Promise<PythonResult> {
  return startPython(code, args, extraFds).done;
}

/** Expects a python run to have succeeded; returns its stdout. */
export function pythonOk(r: PythonResult): string {
  expect(r.code, `python3 failed: ${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** A line of python's stdout, once it is printed (for handshakes like "ready"). */
export async function pythonLine(child: ReturnType<typeof spawn>, ms = 10000): Promise<string> {
  const out = child.stdout!;
  let buffered = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`python printed no line within ${ms} ms`)), ms);
    const onData = (d: string | Buffer) => {
      buffered += d.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) finish(null, buffered.slice(0, nl));
    };
    const onClose = () => finish(new Error(`python exited before printing a line (${buffered})`));
    function finish(err: Error | null, line?: string) {
      clearTimeout(timer);
      out.off('data', onData);
      child.off('close', onClose);
      if (err) reject(err);
      else resolve(line!);
    }
    out.on('data', onData);
    child.once('close', onClose);
  });
}

let udp6Checked: boolean | undefined;
/** Whether a UDP socket can be bound on ::1 and hear itself. */
export async function haveUdp6(): Promise<boolean> {
  if (udp6Checked !== undefined) return udp6Checked;
  const s = dgram.createSocket('udp6');
  try {
    s.bind(0, '::1');
    await once(s, 'listening');
    const port = s.address().port;
    const got = once(s, 'message');
    s.send('x', port, '::1');
    const timer = setTimeout(() => s.emit('error', new Error('no loopback datagram')), 2000);
    await got;
    clearTimeout(timer);
    udp6Checked = true;
  } catch {
    udp6Checked = false;
  } finally {
    s.close();
  }
  return udp6Checked;
}

/** Skips the current test when ::1 is unusable. */
export async function requireUdp6(ctx: Mocha.Context): Promise<void> {
  if (!(await haveUdp6())) skipFor(ctx, 'IPv6 loopback ::1 is not available on this machine');
}

/** A message payload that names its sequence number and has a length that varies with it. */
export function seqPayload(i: number, maxExtra = 1200): Buffer {
  const extra = (i * 7919) % (maxExtra + 1);
  const b = Buffer.alloc(4 + extra);
  b.writeUInt32BE(i, 0);
  for (let k = 4; k < b.length; k++) b[k] = (i + k) & 0xff;
  return b;
}

/** Checks that `b` is exactly `seqPayload(i)`. */
export function expectSeqPayload(b: Buffer, i: number, maxExtra = 1200): void {
  const want = seqPayload(i, maxExtra);
  if (!b.equals(want)) {
    const got = b.length >= 4 ? b.readUInt32BE(0) : -1;
    expect.fail(`message ${i}: got ${b.length} bytes (seq ${got}), expected ${want.length} bytes of seq ${i}`);
  }
}

/** Resolves after the current I/O callbacks (one event-loop turn). */
export function loopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Expects `fn` to throw (or reject with) a TypeError; returns it. */
export async function expectTypeError(fn: () => unknown, pattern?: RegExp): Promise<TypeError> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'a TypeError').to.be.instanceOf(TypeError);
  if (pattern) expect((err as Error).message).to.match(pattern);
  return err as TypeError;
}

/**
 * Sends `count` seqPayload messages through `write`, honouring write() === false, while the
 * receiver collects them in flowing mode; resolves with what arrived. Fails if the stream
 * stalls for 3 s.
 */
export async function burst(sender: Duplex, receiver: Duplex, count: number, chunkOf: (i: number) => unknown): Promise<ReadMessage[]> {
  const got: ReadMessage[] = [];
  let stall: NodeJS.Timeout | undefined;
  const arrived = new Promise<void>((resolve, reject) => {
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => reject(new Error(`stalled after ${got.length} of ${count} messages`)), 3000);
    };
    arm();
    receiver.on('data', (m: ReadMessage) => {
      got.push(m);
      arm();
      if (got.length === count) resolve();
    });
    receiver.once('error', reject);
  });
  try {
    for (let i = 0; i < count; i++) {
      if (!sender.write(chunkOf(i))) await once(sender, 'drain');
    }
    await arrived;
  } finally {
    clearTimeout(stall);
    receiver.removeAllListeners('data');
    receiver.pause();
  }
  return got;
}
