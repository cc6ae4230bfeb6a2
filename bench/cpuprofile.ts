/**
 * Summarizes V8 .cpuprofile files (from `node --cpu-prof`): self time by function and by
 * where the code lives (iolib JS, node internals, the benchmark, V8/native, GC, idle).
 *
 *   BENCH_ONLY=tcp-pingpong BENCH_LIB=iolib BENCH_ROUNDS=3 BENCH_WARMUP=0 \
 *     node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/run.js
 *   node dist/bench/cpuprofile.js /tmp/prof/*.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives. */
export function category(f: CallFrame): string {
  const u = f.url;
  if (f.functionName === '(garbage collector)') return 'gc';
  if (f.functionName === '(idle)') return 'idle (epoll_wait)';
  if (f.functionName === '(program)') return 'program (native, outside JS)';
  if (f.functionName === '(root)') return 'root';
  if (u.includes('/dist/lib/') || u.includes('/lib/sockets/') || u.includes('/lib/multiplex/')) return 'iolib JS';
  if (u.includes('/dist/bench/')) return 'bench JS';
  if (u.startsWith('node:')) return 'node internals JS';
  if (u === '') return 'native / V8 builtin (called from JS)';
  return 'other JS';
}

function shortUrl(u: string): string {
  const i = u.indexOf('/dist/');
  return i >= 0 ? u.slice(i + 1) : u;
}

export function summarize(files: string[], top: number): string {
  const byFn = new Map<string, { ms: number; cat: string }>();
  const inclusive = new Map<string, number>();
  const byCat = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
    for (let i = 0; i < p.samples.length; i++) {
      const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
      const n = nodes.get(p.samples[i]!)!;
      const f = n.callFrame;
      const cat = category(f);
      const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
      const e = byFn.get(key) ?? { ms: 0, cat };
      e.ms += dt;
      byFn.set(key, e);
      byCat.set(cat, (byCat.get(cat) ?? 0) + dt);
      total += dt;
      // Inclusive: every distinct function on the sample's stack.
      const seen = new Set<string>();
      for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
        const g = nodes.get(id)!.callFrame;
        if (g.functionName.startsWith('(')) continue;
        const k = `${g.functionName || '(anonymous)'}  ${shortUrl(g.url)}${g.url ? `:${g.lineNumber + 1}` : ''}`;
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      }
    }
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)}%`;
  const lines: string[] = [`total sampled: ${total.toFixed(0)} ms in ${files.length} profile(s)`, '', 'self time by category:'];
  for (const [cat, ms] of [...byCat].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${cat}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [key, e] of [...byFn].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    lines.push(`  ${pct(e.ms)} ${e.ms.toFixed(0).padStart(7)} ms  [${e.cat}] ${key}`);
  }
  lines.push('', `top ${top} functions by inclusive time (self + callees; native calls made from JS count in their JS caller):`);
  for (const [key, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
  return lines.join('\n');
}

const files = process.argv.slice(2).filter((a) => !/^top=/.test(a));
const topArg = process.argv.find((a) => a.startsWith('top='));
if (files.length === 0) {
  process.stderr.write('usage: node dist/bench/cpuprofile.js FILE.cpuprofile... [top=N]\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${summarize(files, topArg ? Number(topArg.slice(4)) : 25)}\n`);
}
