/**
 * The benchmark runner (`npm run bench`): every workload through iolib and through
 * node:net / node:dgram in one process, BENCH_ROUNDS rounds (default 9) after BENCH_WARMUP
 * unrecorded rounds (default 1), the iolib/node order alternating each round, a full GC before
 * every run; a progress line on stderr, then the table on stdout, bench/results.json and
 * bench/results.svg.
 *
 * Environment: BENCH_ROUNDS, BENCH_WARMUP, BENCH_ONLY (comma-separated workload names or
 * prefixes), BENCH_LIB (iolib or node: run one side only, for profiling; no ratios then),
 * BENCH_WINDOW_MS (timed window of the time-based workloads, default 1000), BENCH_OUT
 * (directory for results.json / results.svg, default bench/ of the source tree), and per
 * workload BENCH_TCP_MIB, BENCH_CONNS, BENCH_UDP_BURST, BENCH_UDP_RCVBUF,
 * BENCH_ACCEPT_CONCURRENCY, BENCH_ACCEPT_CLIENTS, BENCH_IDLE_PAIRS, BENCH_IDLE_SEMI_MB
 * (bench/README.md).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { fullGc, gcWasExposed } from './gc.js';
import { formatValue, machine, summarize, table, writeResults, type Library, type RunRecord, type WorkloadResult } from './report.js';
import { writeChart } from './svg.js';
import { envInt, openSockets, sleep, windowMs, type Workload } from './workload.js';
import { tcpThroughput } from './workloads/tcp-throughput.js';
import { tcpPingpong } from './workloads/tcp-pingpong.js';
import { tcpConcurrent } from './workloads/tcp-concurrent.js';
import { udpReceive } from './workloads/udp-receive.js';
import { acceptRate } from './workloads/accept-rate.js';
import { idleMemoryHeap, idleMemoryRss } from './workloads/idle-memory.js';

const ALL: Workload[] = [tcpThroughput, tcpPingpong, tcpConcurrent, udpReceive, acceptRate, idleMemoryRss, idleMemoryHeap];
/** A run that takes longer than this is failed (a hang must not stall the whole benchmark). */
const RUN_TIMEOUT_MS = 60_000;

function selected(): Workload[] {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return ALL;
  const picked = ALL.filter((w) => only.some((o) => w.name === o || w.name.startsWith(o)));
  if (picked.length === 0) throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY} matches no workload; workloads: ${ALL.map((w) => w.name).join(', ')}`);
  return picked;
}

const tty = process.stderr.isTTY;
function progress(text: string): void {
  if (tty) process.stderr.write(`\r${text}\x1b[K`);
  else process.stderr.write(`${text}\n`);
}

async function timed<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 9);
  const warmup = process.env.BENCH_WARMUP === '0' ? 0 : envInt('BENCH_WARMUP', 1);
  const workloads = selected();
  const onlyLib = process.env.BENCH_LIB as Library | undefined;
  if (onlyLib !== undefined && onlyLib !== 'iolib' && onlyLib !== 'node') throw new Error(`BENCH_LIB must be iolib or node, got ${onlyLib}`);
  const outDir = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../bench/', import.meta.url));
  const started = new Date();
  const t0 = performance.now();
  const m = machine();
  process.stderr.write(`iolib bench: ${m.cpu} (${m.cores} cores), node ${m.node}; ${rounds} rounds + ${warmup} warmup; ${workloads.map((w) => w.name).join(', ')}\n`);
  if (!gcWasExposed) process.stderr.write('note: run with --expose-gc (npm run bench does); gc() was obtained through v8 flags instead\n');

  const runs = new Map<Workload, RunRecord[]>(workloads.map((w) => [w, []]));
  const fdLeaks: string[] = [];
  for (let round = -warmup; round < rounds; round++) {
    const label = round < 0 ? `warmup ${round + warmup + 1}/${warmup}` : `${round + 1}/${rounds}`;
    // Alternate which library goes first; round 0 starts with iolib.
    const both: Library[] = (round + warmup) % 2 === 0 ? ['iolib', 'node'] : ['node', 'iolib'];
    const order = both.filter((l) => !onlyLib || l === onlyLib);
    for (const w of workloads) {
      for (const library of order) {
        progress(`[${label}] ${w.name} ${library} ...`);
        await fullGc();
        const fdsBefore = openSockets();
        w.details = undefined;
        const start = performance.now();
        let value = NaN;
        let error: string | undefined;
        try {
          value = await timed(library === 'iolib' ? w.runIolib() : w.runNode(), RUN_TIMEOUT_MS, `${w.name} ${library}`);
        } catch (err) {
          error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          if (tty) process.stderr.write('\n');
          process.stderr.write(`${w.name} ${library} failed: ${error}\n`);
        }
        const ms = performance.now() - start;
        // Closes finish within a turn or two of the event loop; give them a moment before counting.
        let fdDelta = openSockets() - fdsBefore;
        for (let i = 0; i < 20 && fdDelta > 0; i++) {
          await sleep(10);
          fdDelta = openSockets() - fdsBefore;
        }
        if (fdDelta > 0) {
          const note = `${w.name} ${library} round ${label}: ${fdDelta} socket fds left open`;
          fdLeaks.push(note);
          if (tty) process.stderr.write('\n');
          process.stderr.write(`warning: ${note}\n`);
        }
        progress(`[${label}] ${w.name} ${library} ${formatValue(value)} ${w.unit}`);
        if (round >= 0) runs.get(w)!.push({ round, library, value, ms: Math.round(ms), fdDelta, ...(w.details ? { details: w.details } : {}), ...(error ? { error } : {}) });
      }
    }
  }
  if (tty) process.stderr.write('\r\x1b[K');

  const results: WorkloadResult[] = workloads.map((w) => summarize(w, runs.get(w)!));
  const totalSeconds = Math.round((performance.now() - t0) / 100) / 10;
  process.stdout.write(`\n${table(results)}\n\n`);
  process.stdout.write(`${m.cpu}, ${m.cores} cores, node ${m.node}; ${rounds} rounds; ${totalSeconds} s\n`);
  if (fdLeaks.length) process.stdout.write(`fd leaks: ${fdLeaks.length} runs left fds open (see results.json)\n`);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'results.json');
  const svgPath = join(outDir, 'results.svg');
  writeResults(jsonPath, results, { rounds, warmupRounds: warmup, windowMs: windowMs(), gcExposed: gcWasExposed, startedAt: started.toISOString(), totalSeconds, fdLeaks });
  writeChart(svgPath, results, `${m.cpu}, ${m.cores} cores, node ${m.node}, ${rounds} rounds, ${started.toISOString().slice(0, 10)}; bars: median of per-round ratios`);
  process.stdout.write(`wrote ${jsonPath}\nwrote ${svgPath}\n`);
  if (results.some((r) => r.runs.some((x) => x.error))) process.exitCode = 1;

  // Everything was closed: the process should now exit by itself. If something still holds
  // the event loop, say what and leave.
  setTimeout(() => {
    process.stderr.write(`bench: still alive 5 s after the end; active resources: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.exit(2);
  }, 5000).unref();
}

await main();
