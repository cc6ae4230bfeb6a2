/**
 * Shared helpers for the socket tests: cleanup lists, fd counting, peers from node:net,
 * checksums and error assertions. Nothing here fakes the library under test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { expect } from 'chai';
import {
  makeSocket,
  type SocketStreamInternetActive,
  type SocketStreamInternetPassive,
} from '../../lib/sockets/index.js';

/** Anything a test opens: iolib sockets (close()), node:net sockets/servers, or functions. */
type Closable = object | (() => unknown);

/**
 * A list of things to close after each test, whatever happened. Use `cleanup.add(x)` and
 * call `cleanup.run()` from `afterEach`.
 */
export class Cleanup {
  private items: Closable[] = [];

  add<T extends Closable>(item: T): T {
    this.items.push(item);
    return item;
  }

  async run(): Promise<void> {
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        if (typeof item === 'function') await item();
        else if (item instanceof net.Server) {
          for (const c of (item as net.Server & { [kConnections]?: Set<net.Socket> })[kConnections] ?? []) c.destroy();
          await new Promise<void>((resolve) => item.close(() => resolve()));
        }
        else if (item instanceof net.Socket) item.destroy();
        else if ('close' in item && typeof item.close === 'function') await item.close({ abort: true });
        else if ('destroy' in item && typeof item.destroy === 'function') item.destroy();
      } catch {
        // Cleanup must not mask the test's own failure.
      }
    }
  }
}

/** How many fds this process has open. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** What /proc says fd `fd` is ('socket:[1234]', a path, ...), or null when it is not open. */
export function fdTarget(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/** How many of this process's fds are sockets. */
export function socketFdCount(): number {
  let n = 0;
  for (const f of readdirSync('/proc/self/fd')) if (fdTarget(Number(f))?.startsWith('socket:')) n++;
  return n;
}

/** sha256 in hex. */
export function sha256(data: Buffer | Buffer[]): string {
  const h = createHash('sha256');
  for (const b of Array.isArray(data) ? data : [data]) h.update(b);
  return h.digest('hex');
}

/** Random bytes. */
export function payload(size: number): Buffer {
  return randomBytes(size);
}

/**
 * Reads a stream to its end; resolves with everything it gave as one Buffer (strings are
 * encoded back as utf8). Unlike `for await`, this leaves the stream open afterwards, so a
 * half-closed socket can still be written to.
 */
export function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const finish = (err?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onEnd = () => finish();
    const onError = (err: Error) => finish(err);
    const onClose = () => {
      // 'close' without 'end' or 'error': the stream was destroyed under us.
      if (!stream.readableEnded) finish(new Error('stream closed before its end'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

/** Reads exactly `n` bytes from a stream in paused mode (nobody else may consume it). */
export async function readExactly(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk === null) {
      if (stream.readableEnded || stream.destroyed) throw new Error(`stream ended after ${got} of ${n} bytes`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          stream.off('readable', wake);
          stream.off('end', wake);
          stream.off('close', wake);
          resolve();
        };
        stream.on('readable', wake);
        stream.on('end', wake);
        stream.on('close', wake);
      });
      continue;
    }
    chunks.push(chunk);
    got += chunk.length;
  }
  const all = Buffer.concat(chunks);
  if (all.length > n) stream.unshift(all.subarray(n));
  return all.subarray(0, n);
}

/** Writes `data` in `chunk`-sized pieces honouring backpressure, then ends the stream. */
export async function writeAll(stream: Writable, data: Buffer, chunk = 65536): Promise<{ sawFalse: boolean; drains: number }> {
  let sawFalse = false;
  let drains = 0;
  for (let off = 0; off < data.length; off += chunk) {
    if (!stream.write(data.subarray(off, off + chunk))) {
      sawFalse = true;
      await once(stream, 'drain');
      drains++;
    }
  }
  return { sawFalse, drains };
}

const kConnections = Symbol('connections');

/**
 * A node:net server on `host`, port chosen by the kernel; resolves once listening. Its
 * connections are destroyed when a Cleanup closes it.
 */
export async function netServer(host: string, onConnection?: (s: net.Socket) => void): Promise<net.Server & { port: number }> {
  const server = net.createServer({ allowHalfOpen: true }, onConnection);
  const connections = new Set<net.Socket>();
  (server as net.Server & { [kConnections]?: Set<net.Socket> })[kConnections] = connections;
  server.on('connection', (c) => {
    connections.add(c);
    c.on('close', () => connections.delete(c));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(server, { port });
}

/** Connects a node:net socket; resolves once connected. */
export async function netConnect(host: string, port: number): Promise<net.Socket> {
  const s = net.connect({ host, port, allowHalfOpen: true });
  await once(s, 'connect');
  return s;
}

/**
 * A TCP port on `host` that nothing listens on right now (bound then released). Another
 * process could take it in between; on a test machine that is unlikely enough.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let ipv6Checked: boolean | undefined;
/** Whether ::1 can be bound and connected to here. */
export async function haveIpv6(): Promise<boolean> {
  if (ipv6Checked !== undefined) return ipv6Checked;
  try {
    const server = net.createServer((s) => s.destroy());
    server.listen(0, '::1');
    await once(server, 'listening');
    const c = await netConnect('::1', (server.address() as net.AddressInfo).port);
    c.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    ipv6Checked = true;
  } catch {
    ipv6Checked = false;
  }
  return ipv6Checked;
}

/** Skips the current test (or suite, from `before`), saying what this machine lacks. */
export function skipFor(ctx: Mocha.Context, missing: string): never {
  // eslint-disable-next-line no-console
  console.log(`      (skipped: ${missing})`);
  return ctx.skip();
}

/** Skips the current test (or suite, from `before`) when ::1 is not usable. */
export async function requireIpv6(ctx: Mocha.Context): Promise<void> {
  if (!(await haveIpv6())) skipFor(ctx, 'IPv6 loopback ::1 is not available on this machine');
}

/** Expects `promise` to reject with an instance of `Cls`; returns the error. */
export async function rejectsWith<E extends Error>(promise: Promise<unknown>, Cls: abstract new (...args: never[]) => E): Promise<E> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    expect(err, `expected ${Cls.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`).to.be.instanceOf(Cls);
    return err as E;
  }
  throw new Error(`expected a rejection with ${Cls.name}, but it resolved with ${String(value)}`);
}

/** Expects `fn()` to throw an instance of `Cls` synchronously; returns the error. */
export function throwsWith<E extends Error>(fn: () => unknown, Cls: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    expect(err, `expected ${Cls.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`).to.be.instanceOf(Cls);
    return err as E;
  }
  throw new Error(`expected ${Cls.name} to be thrown`);
}

/**
 * Calls a Promise-returning function that must reject (never throw synchronously) with
 * `Cls`; returns the error.
 */
export async function rejectsNotThrows<E extends Error>(fn: () => Promise<unknown>, Cls: abstract new (...args: never[]) => E): Promise<E> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (err) {
    throw new Error(`threw synchronously instead of rejecting: ${(err as Error)?.message}`);
  }
  expect(promise).to.be.instanceOf(Promise);
  return rejectsWith(promise, Cls);
}

/** A fresh path for a Unix socket in os.tmpdir(). */
export function tmpSocketPath(tag = 'sock'): string {
  return join(tmpdir(), `iolib-test-${process.pid}-${tag}-${randomBytes(4).toString('hex')}`);
}

/** Resolves on the next turn of the event loop (after I/O callbacks). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits until `predicate()` holds, checking after each event-loop turn; fails after `ms`.
 * For states the library exposes no event for (e.g. kernel buffers filling up).
 */
export async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await turn();
  }
}

// ---------------------------------------------------------------------------------------------
// iolib-side helpers

/** Fails the test unless `value` is an instance of `Cls`, and narrows its type to that class. */
export function expectInstance<C extends abstract new (...args: never[]) => unknown>(value: unknown, Cls: C): asserts value is InstanceType<C> {
  expect(value).to.be.instanceOf(Cls);
}

/** The connection an acceptConnection with a timeout resolved with; fails the test when it timed out. */
export function accepted<T>(conn: T | null): T {
  if (conn === null) throw new Error('no connection accepted');
  return conn;
}

/** A listening iolib TCP socket on `host` (port from the kernel), added to `cleanup`. */
export async function iolibServer(cleanup: Cleanup, host = '127.0.0.1', options: Record<string, unknown> = {}): Promise<SocketStreamInternetPassive> {
  const server = await makeSocket({ connect: 'passive', localHost: host, localPort: 0, ...options });
  return cleanup.add(server);
}

/** A connected iolib client and the iolib connection its server accepted, all in `cleanup`. */
export async function iolibPair(
  cleanup: Cleanup,
  host = '127.0.0.1',
  clientOptions: Record<string, unknown> = {},
  acceptOptions: Record<string, unknown> = {},
): Promise<{ server: SocketStreamInternetPassive; client: SocketStreamInternetActive; conn: SocketStreamInternetActive }> {
  const server = await iolibServer(cleanup, host);
  const accepting = server.acceptConnection(acceptOptions);
  const client = cleanup.add(await makeSocket({ remoteHost: host, remotePort: server.localPort!, ...clientOptions }));
  const conn = await accepting;
  if (!conn) throw new Error('no connection accepted');
  cleanup.add(conn);
  return { server, client, conn };
}

/**
 * A loopback port where a connect hangs: a listener with backlog 0 that never accepts, with
 * its accept queue filled by node:net clients until one's SYN is dropped (no answer within
 * 300 ms). Later SYNs to it are dropped too, so connects to it stay pending.
 */
export async function hangingPort(cleanup: Cleanup, host = '127.0.0.1'): Promise<number> {
  const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: host, localPort: 0, backlog: 0 }));
  const port = server.localPort!;
  for (let i = 0; i < 32; i++) {
    const c = cleanup.add(net.connect({ host, port }));
    c.on('error', () => {});
    let timer: NodeJS.Timeout | undefined;
    const connected = await Promise.race([
      once(c, 'connect').then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 300))),
    ]);
    clearTimeout(timer);
    if (!connected) return port;
  }
  throw new Error('could not fill the listen backlog: connects never hang here');
}

/** `value` as an instance of `Cls`, failing the test otherwise (a checked narrowing, not a cast). */
export function asInstance<T>(value: unknown, Cls: abstract new (...args: never[]) => T): T {
  expectInstance(value, Cls);
  return value;
}
