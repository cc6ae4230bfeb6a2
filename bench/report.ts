/**
 * The benchmark's results: medians and ratios per workload, the table printed at the end, and
 * bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Workload } from './workload.js';

/** Who ran: iolib, node:net / node:dgram, or the C reference program. */
export type Library = 'iolib' | 'node' | 'c';

/** One timed run. */
export interface RunRecord {
  round: number;
  library: Library;
  value: number;
  /** ms the run took, setup and teardown included. */
  ms: number;
  details?: Record<string, number>;
  error?: string;
  /** Open socket fds after the run minus before it (0 when the run closed everything). */
  fdDelta: number;
  /** The pid of the worker that ran it (one per library and workload); absent for C. */
  pid?: number;
}

export interface WorkloadResult {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  description: string;
  target: number;
  iolib: number[];
  node: number[];
  /** The C reference's figures (empty when the workload has none). */
  c: number[];
  iolibMedian: number;
  nodeMedian: number;
  cMedian: number;
  /** iolib / node for rates, node / iolib for costs: above 1 means iolib is better. */
  ratioOfMedians: number;
  /** The same ratio taken per round. */
  roundRatios: number[];
  medianOfRatios: number;
  /** iolib / C per round, and its median (NaN without a C reference). */
  cRoundRatios: number[];
  medianOfCRatios: number;
  pass: boolean;
  runs: RunRecord[];
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The oriented ratio: above 1 means iolib is better. */
export function ratio(w: Pick<Workload, 'higherIsBetter'>, iolib: number, node: number): number {
  return w.higherIsBetter ? iolib / node : node / iolib;
}

export function summarize(w: Workload, runs: RunRecord[]): WorkloadResult {
  const of = (lib: Library) => runs.filter((r) => r.library === lib && !r.error).map((r) => r.value);
  const iolib = of('iolib');
  const node = of('node');
  const c = of('c');
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const perRound = (other: Library) => {
    const out: number[] = [];
    for (const round of rounds) {
      const a = runs.find((r) => r.round === round && r.library === 'iolib' && !r.error);
      const b = runs.find((r) => r.round === round && r.library === other && !r.error);
      if (a && b) out.push(ratio(w, a.value, b.value));
    }
    return out;
  };
  const roundRatios = perRound('node');
  const cRoundRatios = perRound('c');
  const iolibMedian = median(iolib);
  const nodeMedian = median(node);
  const medianOfRatios = median(roundRatios);
  return {
    name: w.name,
    unit: w.unit,
    higherIsBetter: w.higherIsBetter,
    description: w.description,
    target: w.target,
    iolib,
    node,
    c,
    iolibMedian,
    nodeMedian,
    cMedian: median(c),
    ratioOfMedians: ratio(w, iolibMedian, nodeMedian),
    roundRatios,
    medianOfRatios,
    cRoundRatios,
    medianOfCRatios: median(cRoundRatios),
    pass: medianOfRatios >= w.target,
    runs,
  };
}

export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const digits = Math.abs(x) >= 1000 ? 0 : Math.abs(x) >= 100 ? 1 : 2;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function formatRatio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : 'n/a';
}

/** The lowest and highest of the per-round ratios. */
function range(xs: number[]): string {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length ? `${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)}` : 'n/a';
}

/**
 * The table printed at the end of a run: medians of node, iolib and C, and the medians of the
 * per-round ratios iolib/node (with their range) and iolib/C (oriented: above 1, iolib better).
 */
export function table(results: WorkloadResult[]): string {
  const head = ['workload', 'unit', 'node', 'iolib', 'C', 'iolib/node', '(rounds)', 'iolib/C', 'target', ''];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    formatValue(r.nodeMedian),
    formatValue(r.iolibMedian),
    r.c.length ? formatValue(r.cMedian) : '-',
    formatRatio(r.medianOfRatios),
    range(r.roundRatios),
    r.c.length ? formatRatio(r.medianOfCRatios) : '-',
    `>= ${r.target}`,
    Number.isFinite(r.medianOfRatios) ? (r.pass ? 'PASS' : 'FAIL') : r.runs.some((x) => x.error) ? 'ERROR' : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const left = new Set([0, 1, 9]);
  const line = (cells: string[]) => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface Meta {
  rounds: number;
  warmupRounds: number;
  windowMs: number;
  startedAt: string;
  totalSeconds: number;
  fdLeaks: string[];
  /** One line per failed run. */
  errors: string[];
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryMiB: Math.round(os.totalmem() / 1048576),
    node: process.version,
    v8: process.versions.v8,
    uv: process.versions.uv,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Writes results.json. */
export function writeResults(path: string, results: WorkloadResult[], meta: Meta): void {
  const body = {
    machine: machine(),
    ...meta,
    note: 'ratio: iolib / node (or iolib / C) for rates, node / iolib for bytes; above 1 means iolib is better. pass: median of per-round iolib/node ratios >= target. Each library runs each workload in a process of its own; c is the C reference program of bench/reference.',
    workloads: results,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}
