/**
 * Memory per idle connection: K connected loopback pairs (BENCH_IDLE_PAIRS, default 8000,
 * lowered to fit the fd limit; 2K sockets: client ends and accepted ends), each socket reading
 * (a 'data' listener, as an application holding a connection has), nothing sent. Full GC, then
 * process.memoryUsage() against a baseline taken (after a full GC) just before opening them;
 * bytes per socket. Two rows: RSS and V8 heapUsed; the ratio is node bytes / iolib bytes.
 *
 * Each run happens in a fresh child process (`node --expose-gc idle-memory.js iolib|node`;
 * both ends of every connection in that child): RSS measured in the long-lived benchmark
 * process is meaningless, since pages freed by earlier runs stay mapped and the next run grows
 * into them (measured: iolib 0 B/socket in one run, 1300 in the next). The child opens and
 * closes 64 pairs first, so code loading and first-use allocations are not in the figure.
 * 8000 pairs, not fewer: RSS moves in pages and arena chunks, and with 2000 pairs that
 * granularity alone swung one round's RSS ratio between 0.87 and 1.45 for the same code.
 *
 * The child runs with the young generation pinned at its initial size (--max-semi-space-size=1,
 * i.e. 1 MiB semi-spaces): otherwise V8 grows new space from 2 to 32 MiB while the connections
 * are made and keeps it after the GC, and that growth (a reaction to the allocation rate of
 * the setup, not memory the sockets hold) was ~3.8 KiB of the ~4 KiB RSS per socket measured
 * for either library. Set BENCH_IDLE_SEMI_MB to change it (0: V8's default sizing).
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import type { SocketStreamInternetActive, SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, fdLimit, inBatches, iolib, nodeClose, nodeConnect, nodeDestroyAll, nodeListen, openFds, scaled, type Workload } from '../workload.js';
import { fullGc } from '../gc.js';

const noop = () => {};

/** Pairs to open: the asked number, or what the fd limit leaves room for. */
export function idlePairs(): number {
  const room = Math.floor((fdLimit() - openFds() - 64) / 2);
  return Math.max(1, Math.min(scaled(envInt('BENCH_IDLE_PAIRS', 8000)), room));
}

interface PerSocket {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  sockets: number;
}

/**
 * Heap snapshots of the measured run (before opening, and with every pair open) go to
 * `$BENCH_IDLE_SNAPSHOT/LIB-before.heapsnapshot` and `LIB-after.heapsnapshot` when set; the
 * warm-up run writes none. bench/heap-breakdown.ts reads them.
 */
let snapshotAs: string | undefined;

function snapshot(stage: 'before' | 'after'): void {
  const dir = process.env.BENCH_IDLE_SNAPSHOT;
  if (dir && snapshotAs) writeHeapSnapshot(join(dir, `${snapshotAs}-${stage}.heapsnapshot`));
}

/** Baseline, open (via `open`, which keeps what it opened), measure, close (via `close`). Same for both libraries. */
async function measure(pairs: number, open: (pairs: number) => Promise<void>, close: () => Promise<void>): Promise<PerSocket> {
  await fullGc(4);
  const before = process.memoryUsage();
  snapshot('before');
  let after: NodeJS.MemoryUsage;
  try {
    await open(pairs);
    await fullGc(4);
    after = process.memoryUsage();
    snapshot('after');
  } finally {
    await close();
  }
  const sockets = 2 * pairs;
  return {
    rss: (after.rss - before.rss) / sockets,
    heapUsed: (after.heapUsed - before.heapUsed) / sockets,
    heapTotal: (after.heapTotal - before.heapTotal) / sockets,
    external: (after.external - before.external) / sockets,
    sockets,
  };
}

async function measureIolib(pairs: number): Promise<PerSocket> {
  const { makeSocket } = await iolib();
  let server: SocketStreamInternetPassive | undefined;
  const sockets: SocketStreamInternetActive[] = [];
  return measure(
    pairs,
    async (pairs) => {
      server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0, backlog: 1024 })) as SocketStreamInternetPassive;
      const port = server.localPort!;
      const srv = server;
      const accepting = (async () => {
        for (let i = 0; i < pairs; i++) {
          const conn = (await srv.acceptConnection())!;
          conn.on('data', noop);
          sockets.push(conn);
        }
      })();
      await inBatches(pairs, 64, async () => {
        const s = (await makeSocket({ remoteHost: LOOPBACK, remotePort: port })) as SocketStreamInternetActive;
        s.on('data', noop);
        sockets.push(s);
      });
      await accepting;
    },
    async () => {
      await Promise.all(sockets.map((s) => s.close({ abort: true })));
      sockets.length = 0;
      await server?.close();
    },
  );
}

async function measureNode(pairs: number): Promise<PerSocket> {
  const server = net.createServer();
  const sockets: net.Socket[] = [];
  return measure(
    pairs,
    async (pairs) => {
      let accepted = 0;
      const allAccepted = new Promise<void>((resolve) => {
        server.on('connection', (conn) => {
          conn.on('data', noop);
          sockets.push(conn);
          if (++accepted === pairs) resolve();
        });
      });
      const port = await nodeListen(server, 1024);
      await inBatches(pairs, 64, async () => {
        const s = await nodeConnect(port);
        s.on('data', noop);
        sockets.push(s);
      });
      await allAccepted;
    },
    async () => {
      await nodeDestroyAll(sockets);
      sockets.length = 0;
      if (server.listening) await nodeClose(server);
    },
  );
}

const THIS_FILE = fileURLToPath(import.meta.url);

/** Runs one measurement in a fresh `node --expose-gc` child; answers its figures. */
function inChild(library: 'iolib' | 'node'): Promise<PerSocket> {
  return new Promise((resolvePromise, reject) => {
    const semi = process.env.BENCH_IDLE_SEMI_MB ?? '1';
    const flags = ['--expose-gc', ...(semi === '0' ? [] : [`--max-semi-space-size=${semi}`])];
    execFile(process.execPath, [...flags, THIS_FILE, library], { timeout: 50_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`idle-memory child (${library}) failed: ${err.message}\n${stderr}`));
        return;
      }
      try {
        resolvePromise(JSON.parse(stdout.trim().split('\n').pop()!) as PerSocket);
      } catch {
        reject(new Error(`idle-memory child (${library}) printed no result: ${stdout}\n${stderr}`));
      }
    });
  });
}

/** The child's side: warm up with 64 pairs, then measure K pairs; prints one JSON line. */
async function childMain(library: string): Promise<void> {
  const run = library === 'iolib' ? measureIolib : library === 'node' ? measureNode : undefined;
  if (!run) throw new Error(`idle-memory child: unknown library ${library}`);
  await run(64);
  snapshotAs = library;
  const r = await run(idlePairs());
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/**
 * The child's figures not yet reported, per library: one child run gives both rows, so the
 * heap row takes what the RSS row's run measured in the same round instead of a second child.
 */
const unreported = new Map<string, { rss: boolean; heapUsed: boolean; result: PerSocket }>();

async function measured(library: 'iolib' | 'node', metric: 'rss' | 'heapUsed'): Promise<PerSocket> {
  const pending = unreported.get(library);
  if (pending && !pending[metric]) {
    unreported.delete(library);
    return pending.result;
  }
  const result = await inChild(library);
  unreported.set(library, { rss: false, heapUsed: false, result, [metric]: true });
  return result;
}

function idleWorkload(name: string, metric: 'rss' | 'heapUsed', target: number): Workload {
  const w: Workload = {
    name,
    unit: 'B/socket',
    higherIsBetter: false,
    target,
    description: `${metric} per idle connected loopback TCP socket (K pairs, both ends counted, reading, after a full GC); ratio = node / iolib`,
    async runIolib() {
      const r = await measured('iolib', metric);
      w.details = { ...r };
      return r[metric];
    },
    async runNode() {
      const r = await measured('node', metric);
      w.details = { ...r };
      return r[metric];
    },
  };
  return w;
}

export const idleMemoryRss = idleWorkload('idle-memory-rss', 'rss', 1.8);
export const idleMemoryHeap = idleWorkload('idle-memory-heap', 'heapUsed', 1.6);

if (process.argv[1] && resolve(process.argv[1]) === THIS_FILE) await childMain(process.argv[2] ?? '');
