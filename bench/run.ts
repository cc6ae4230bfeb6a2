/**
 * The benchmark runner. `npm run bench [-- WORKLOAD...]` (or `node --expose-gc
 * dist/bench/run.js [WORKLOAD...]`) runs the workloads through iolib, through node:net /
 * node:dgram / node:http and through the C reference programs; prints a progress line per run
 * on stderr and the table on stdout, and writes results.json and results.svg.
 *
 * Each library runs each workload in a process of its own (bench/worker.ts), kept for the
 * whole benchmark; the C programs are built with the system compiler first
 * (bench/reference.ts). BENCH_WARMUP unrecorded rounds (default 1), then BENCH_ROUNDS (default
 * 7); in each round every selected workload runs once per library, the order of the libraries
 * rotating from round to round.
 *
 * Programmatic use: `run(['tcp-pingpong'], { onProgress })` answers the results without
 * printing anything (bench/README.md lists the options and the environment).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue, machine, summarize, table, writeResults, type Library, type RunRecord, type WorkloadResult } from './report.js';
import { buildReferences, runReference } from './reference.js';
import { DEFAULT_OUT_DIR } from './paths.js';
import { writeChart } from './svg.js';
import { RUN_TIMEOUT_MS, envInt, windowMs, type Form, type RunReply, type Workload } from './workload.js';
import { selectWorkloads } from './workloads/index.js';

/** One finished run, as `onProgress` sees it. */
export interface Progress {
  workload: string;
  library: Library;
  /** 0-based recorded round, or negative for warm-up rounds. */
  round: number;
  rounds: number;
  warmup: number;
  value: number;
  unit: string;
  error?: string;
  /** Runs done so far, this one included, and how many the whole benchmark makes. */
  done: number;
  total: number;
}

export interface RunOptions {
  /** Recorded rounds (default BENCH_ROUNDS or 7). */
  rounds?: number;
  /** Unrecorded rounds first (default BENCH_WARMUP or 1). */
  warmup?: number;
  /** Which sides run (default BENCH_LIB or all three); ratios need iolib and the other. */
  libraries?: Library[];
  /** Forms of the windowed workloads (default BENCH_FORM: count, window or both; count). */
  forms?: Form[];
  /** Where results.json and results.svg go (default BENCH_OUT, else DEFAULT_OUT_DIR: see paths.ts); null: not written. */
  outDir?: string | null;
  /** Called after every run, warm-up runs included. */
  onProgress?: (p: Progress) => void;
}

export interface BenchReport {
  results: WorkloadResult[];
  /** The printed table. */
  table: string;
  /** One line per failed run: workload, library, round, error. */
  errors: string[];
  /** Runs that left socket fds open. */
  fdLeaks: string[];
  totalSeconds: number;
  /** Paths written (results.json, results.svg), if any. */
  written: string[];
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const ALL_LIBRARIES: Library[] = ['iolib', 'node', 'c'];

function envForms(): Form[] {
  const v = process.env.BENCH_FORM ?? 'count';
  if (v === 'both') return ['count', 'window'];
  if (v === 'count' || v === 'window') return [v];
  throw new Error(`BENCH_FORM must be count, window or both, got ${v}`);
}

function envLibraries(): Library[] {
  const v = process.env.BENCH_LIB;
  if (v === undefined || v === '') return ALL_LIBRARIES;
  const libs = v.split(',').map((s) => s.trim());
  for (const l of libs) if (!ALL_LIBRARIES.includes(l as Library)) throw new Error(`BENCH_LIB must name iolib, node or c, got ${v}`);
  return libs as Library[];
}

/** One library's worker process for one workload; replaced after a run it reports as fatal. */
class Worker {
  private child: ChildProcess | null = null;

  constructor(private readonly library: 'iolib' | 'node') {}

  private start(): ChildProcess {
    // BENCH_NODE_FLAGS: extra node flags for the workers (`--cpu-prof` is refused in NODE_OPTIONS).
    const extra = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
    const child = fork(WORKER, [this.library], { execArgv: ['--expose-gc', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.unref();
    child.channel?.unref();
    return child;
  }

  run(name: string): Promise<RunReply> {
    const child = (this.child ??= this.start());
    return new Promise<RunReply>((resolvePromise) => {
      const done = (reply: RunReply) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.channel?.unref();
        if (reply.fatal) this.kill();
        resolvePromise(reply);
      };
      const onMessage = (reply: RunReply) => done(reply);
      const onExit = (code: number | null, signal: string | null) => done({ value: NaN, ms: 0, fdDelta: 0, error: `worker exited (${signal ?? code}) during the run`, fatal: true });
      const timer = setTimeout(() => done({ value: NaN, ms: 0, fdDelta: 0, error: `worker did not answer in ${RUN_TIMEOUT_MS + 15_000} ms`, fatal: true }), RUN_TIMEOUT_MS + 15_000);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.channel?.ref();
      child.send({ name });
    });
  }

  /** Replaces the worker: its state after a failed run is unknown. */
  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  /** Lets the worker exit by itself (so `--cpu-prof` in NODE_OPTIONS gets its profile written). */
  stop(): void {
    if (this.child?.connected) this.child.disconnect();
    this.child = null;
  }
}

/**
 * Runs `selection` (workload names or prefixes; all when empty) and answers the results;
 * writes results.json and results.svg unless `outDir` is null. Prints nothing.
 */
export async function run(selection: readonly string[] = [], options: RunOptions = {}): Promise<BenchReport> {
  const rounds = options.rounds ?? envInt('BENCH_ROUNDS', 7);
  const warmup = options.warmup ?? (process.env.BENCH_WARMUP === '0' ? 0 : envInt('BENCH_WARMUP', 1));
  const libraries = options.libraries ?? envLibraries();
  const workloads = selectWorkloads(selection, options.forms ?? envForms());
  const envOut = process.env.BENCH_OUT === 'none' ? null : process.env.BENCH_OUT;
  const outDir = options.outDir === undefined ? (envOut === undefined ? DEFAULT_OUT_DIR : envOut) : options.outDir;
  const started = new Date();
  const t0 = performance.now();
  if (libraries.includes('c') && workloads.some((w) => w.reference)) await buildReferences();

  // A worker per library and workload: in a V8 heap shaped by the other workloads, bulk reads
  // can fall into a mark-compact per scavenge, and that heap, not the library's sockets,
  // decides which library falls in (bench/README.md).
  const workers = new Map<string, Worker>();
  const workerFor = (library: 'iolib' | 'node', w: Workload): Worker => {
    const key = `${library} ${w.name}`;
    let worker = workers.get(key);
    if (!worker) workers.set(key, (worker = new Worker(library)));
    return worker;
  };
  const runs = new Map<Workload, RunRecord[]>(workloads.map((w) => [w, []]));
  const perRound = workloads.reduce((n, w) => n + libraries.filter((l) => l !== 'c' || w.reference?.()).length, 0);
  const total = perRound * (rounds + warmup);
  let done = 0;
  const errors: string[] = [];
  const fdLeaks: string[] = [];
  try {
    for (let round = -warmup; round < rounds; round++) {
      const turn = round + warmup;
      // Rotate the order each round: iolib, node, C; then node, C, iolib; ...
      const order = ALL_LIBRARIES.map((_, i) => ALL_LIBRARIES[(i + turn) % ALL_LIBRARIES.length]!).filter((l) => libraries.includes(l));
      for (const w of workloads) {
        for (const library of order) {
          const ref = w.reference?.();
          if (library === 'c' && !ref) continue;
          let reply: RunReply;
          if (library === 'c') {
            const start = performance.now();
            try {
              reply = { value: await runReference(ref!, RUN_TIMEOUT_MS), ms: 0, fdDelta: 0 };
            } catch (err) {
              reply = { value: NaN, ms: 0, fdDelta: 0, error: err instanceof Error ? err.message : String(err) };
            }
            reply.ms = Math.round(performance.now() - start);
          } else {
            reply = await workerFor(library, w).run(w.name);
          }
          const label = round < 0 ? `warmup ${turn + 1}` : `round ${round + 1}`;
          if (reply.error) errors.push(`${w.name} ${library} ${label}: ${reply.error}`);
          if (reply.fdDelta > 0) fdLeaks.push(`${w.name} ${library} ${label}: ${reply.fdDelta} socket fds left open`);
          done++;
          options.onProgress?.({ workload: w.name, library, round, rounds, warmup, value: reply.value, unit: w.unit, done, total, ...(reply.error ? { error: reply.error } : {}) });
          if (round >= 0) runs.get(w)!.push({ round, library, value: reply.value, ms: reply.ms, fdDelta: reply.fdDelta, ...(reply.pid ? { pid: reply.pid } : {}), ...(reply.details ? { details: reply.details } : {}), ...(reply.error ? { error: reply.error } : {}) });
        }
      }
    }
  } finally {
    for (const worker of workers.values()) worker.stop();
  }

  const results = workloads.map((w) => summarize(w, runs.get(w)!));
  const totalSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const written: string[] = [];
  if (outDir !== null) {
    const m = machine();
    mkdirSync(outDir, { recursive: true });
    const jsonPath = join(outDir, 'results.json');
    const svgPath = join(outDir, 'results.svg');
    writeResults(jsonPath, results, { rounds, warmupRounds: warmup, windowMs: windowMs(), startedAt: started.toISOString(), totalSeconds, fdLeaks, errors });
    writeChart(svgPath, results, `${m.cpu}, ${m.cores} cores, node ${m.node}, ${rounds} rounds, ${started.toISOString().slice(0, 10)}; bars: median of per-round ratios`);
    written.push(jsonPath, svgPath);
  }
  return { results, table: table(results), errors, fdLeaks, totalSeconds, written };
}

async function main(): Promise<void> {
  const selection = [...process.argv.slice(2), ...(process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? [])];
  const tty = process.stderr.isTTY;
  const m = machine();
  process.stderr.write(`iolib bench: ${m.cpu} (${m.cores} cores), node ${m.node}; ${selectWorkloads(selection, envForms()).map((w) => w.name).join(', ')}\n`);
  const report = await run(selection, {
    onProgress(p) {
      const label = p.round < 0 ? `warmup ${p.round + p.warmup + 1}/${p.warmup}` : `${p.round + 1}/${p.rounds}`;
      const text = `[${label}] ${p.workload} ${p.library} ${p.error ? `failed: ${p.error}` : `${formatValue(p.value)} ${p.unit}`}`;
      if (p.error) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${text}\n`);
      else process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(`\n${report.table}\n\n${m.cpu}, ${m.cores} cores, node ${m.node}; ${report.results[0] ? `${report.results[0].roundRatios.length || report.results[0].iolib.length || report.results[0].node.length} rounds; ` : ''}${report.totalSeconds} s\n`);
  if (report.errors.length) process.stdout.write(`failed runs:\n${[...new Set(report.errors)].map((e) => `  ${e}`).join('\n')}\n`);
  if (report.fdLeaks.length) process.stdout.write(`fd leaks: ${report.fdLeaks.length} runs left fds open (see results.json)\n`);
  for (const path of report.written) process.stdout.write(`wrote ${path}\n`);
  if (report.errors.length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
