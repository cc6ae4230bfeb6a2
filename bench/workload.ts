/**
 * What every benchmark workload is, and the small helpers the workloads share.
 *
 * A workload runs the same loopback traffic through iolib, through node:net / node:dgram and,
 * where there is one, through a C program (bench/reference), and answers one number per run
 * in `unit`. Each library runs in a process of its own (bench/worker.ts), so node's side never
 * shares a heap, the JIT's type feedback or the event loop with iolib; iolib is imported only
 * in iolib's process (through `iolib()`).
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { SocketStreamInternetActive, SocketStreamInternetPassive } from '../lib/sockets/index.js';

/** The form of a workload: a fixed amount of work timed, or work counted over a time window. */
export type Form = 'count' | 'window';

/** A C reference run: a program of bench/reference and its arguments; it prints one number. */
export interface Reference {
  program: string;
  args: string[];
}

export interface Workload {
  /** Short id: the BENCH_ONLY value and the table's row (window forms end in `@window`). */
  name: string;
  /** Unit of the number runIolib/runNode answer ("MiB/s", "rt/s", "B/socket", ...). */
  unit: string;
  /** True when a bigger number is better (rates); false for costs (bytes per socket). */
  higherIsBetter: boolean;
  /** The ratio to reach, oriented so that above 1 means iolib is better. */
  target: number;
  /** One line on what is measured and how (goes to results.json). */
  description: string;
  runIolib(): Promise<number>;
  runNode(): Promise<number>;
  /** The C program doing the same work, in `unit` too (count forms of socket workloads). */
  reference?(): Reference;
  /** Extra figures of the last run, if the workload has any (kept in results.json). */
  details?: Record<string, number>;
}

export const LOOPBACK = '127.0.0.1';

/** A run that takes longer than this fails instead of stalling the benchmark. */
export const RUN_TIMEOUT_MS = 60_000;

/** What the runner asks a library's worker process (bench/worker.ts): run one workload once. */
export interface RunRequest {
  name: string;
}

/** The worker's answer. */
export interface RunReply {
  value: number;
  ms: number;
  /** Socket fds open after the run minus before it. */
  fdDelta: number;
  details?: Record<string, number>;
  error?: string;
  /** The worker should be replaced (its state after the failure is unknown). */
  fatal?: boolean;
  /** The worker's pid (its `--cpu-prof` file names it); absent for the C programs. */
  pid?: number;
}

/** Reads an integer from the environment, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

/** Seconds of each timed window (BENCH_WINDOW_MS, default 1000 ms). */
export function windowMs(): number {
  return envInt('BENCH_WINDOW_MS', 1000);
}

/**
 * A fixed count of work, scaled by BENCH_SCALE (default 1; the test runs every workload with
 * a tiny scale), never below `min`.
 */
export function scaled(count: number, min = 1): number {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${JSON.stringify(process.env.BENCH_SCALE)}`);
  return Math.max(min, Math.round(count * scale));
}

/** iolib's sockets module, imported on first use: only iolib's worker process loads it. */
export function iolib(): Promise<typeof import('../lib/sockets/index.js')> {
  return import('../lib/sockets/index.js');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Open file descriptors of this process. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length - 1; // minus the one readdir itself holds
}

/** Open socket fds of this process (what a run must not leave behind). */
export function openSockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // the directory's own fd, already closed
    }
  }
  return n;
}

/** The soft RLIMIT_NOFILE (Node has no getrlimit: /proc/self/limits). */
export function fdLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return 1 << 20;
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : 1024;
  } catch {
    return 1024;
  }
}

/** A node:net listener on loopback, resolved once listening. */
export function nodeListen(server: net.Server, backlog = 511): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: LOOPBACK, backlog }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a node:net server (its connections must be closed by the caller). */
export function nodeClose(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A node:net connection to loopback `port`, resolved once connected. */
export function nodeConnect(port: number, noDelay = false): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: LOOPBACK, noDelay });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Destroys node sockets and waits for every 'close'. */
export function nodeDestroyAll(sockets: net.Socket[]): Promise<void> {
  return Promise.all(
    sockets.map((s) => (s.closed ? undefined : new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    }))),
  ).then(() => undefined);
}

/**
 * One iolib loopback TCP connection (client, accepted end), TCP_NODELAY on both when asked;
 * runs `use` and closes everything whatever happens.
 */
export async function withIolibPair<R>(noDelay: boolean, use: (client: SocketStreamInternetActive, conn: SocketStreamInternetActive) => Promise<R>): Promise<R> {
  const { makeSocket } = await iolib();
  const server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0 })) as SocketStreamInternetPassive;
  const accepting = server.acceptConnection();
  const client = (await makeSocket({ remoteHost: LOOPBACK, remotePort: server.localPort!, nodelay: noDelay })) as SocketStreamInternetActive;
  const conn = (await accepting)!;
  if (noDelay) conn.setOption('tcpNodelay', true);
  try {
    return await use(client, conn);
  } finally {
    await Promise.all([client.close({ abort: true }), conn.close({ abort: true })]);
    await server.close();
  }
}

/** The same with node:net. */
export async function withNodePair<R>(noDelay: boolean, use: (client: net.Socket, conn: net.Socket) => Promise<R>): Promise<R> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const port = await nodeListen(server);
  const client = await nodeConnect(port, noDelay);
  const conn = await accepted;
  if (noDelay) conn.setNoDelay(true);
  try {
    return await use(client, conn);
  } finally {
    await nodeDestroyAll([client, conn]);
    await nodeClose(server);
  }
}

/** Runs `make(i)` for i in [0, n) with at most `width` in flight; answers the results in order. */
export async function inBatches<T>(n: number, width: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
  return out;
}
