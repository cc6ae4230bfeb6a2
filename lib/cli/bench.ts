/**
 * `iolib bench [WORKLOAD...]`: runs the benchmark suite of a source checkout (dist/bench/run.js)
 * as a child process, drawing a progress bar on a terminal (plain lines otherwise) from its
 * progress lines, then prints its table and where the chart went.
 *
 * What it relies on in bench/run.js: BENCH_ONLY (comma-separated workload names or prefixes),
 * BENCH_ROUNDS, BENCH_WARMUP and BENCH_OUT in the environment; a first stderr line ending in
 * "; WORKLOAD, WORKLOAD, ..." (the workloads selected); stderr progress lines
 * "[ROUND/ROUNDS] WORKLOAD LIBRARY ..." when a run starts (ROUND "warmup N/M" in warmup);
 * the table and "wrote PATH" lines on stdout (PATH ending in results.json and results.svg);
 * exit status non-zero on failure, a thrown error (Node's crash report) for bad arguments.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { integerOption, type Command } from './command.js';

const RUNNER = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
const START = /^\[(?:warmup )?\d+\/\d+\] \S+ \S+ \.\.\.$/;
const LIBRARIES = 2;

/** A text progress bar, `width` cells wide. */
function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/** The `bench` subcommand. */
export const bench: Command = {
  name: 'bench',
  args: '[WORKLOAD...]',
  summary: 'Run the benchmarks against node:net / node:dgram and chart the ratios.',
  help: `Runs bench/ from a source checkout: each WORKLOAD (a name or a prefix, e.g. tcp or
idle-memory; all when none is given) through iolib and through node:net / node:dgram, with a
progress bar on a terminal and plain progress lines otherwise, then prints the table of
ratios and the paths of results.json and the SVG chart. See bench/README.md for the method.

options:
  --rounds N    recorded rounds (default: the runner's, 9)
  --warmup N    unrecorded rounds first (default: the runner's, 1)
  --out DIR     where results.json and results.svg go (default: bench/)
  --json        print results.json on stdout (the table then goes to stderr)
  -h, --help    this help

examples:
  iolib bench tcp-pingpong --rounds 3
  iolib bench`,
  options: { rounds: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  arity: [0, Infinity],
  async run({ values, positionals }) {
    if (!existsSync(RUNNER)) throw new Error(`the benchmarks are not here (${RUNNER}); run iolib bench from a built source checkout`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (positionals.length) env.BENCH_ONLY = positionals.join(',');
    if (values.rounds !== undefined) env.BENCH_ROUNDS = String(integerOption(values, 'rounds', 1, 1));
    if (values.warmup !== undefined) env.BENCH_WARMUP = String(integerOption(values, 'warmup', 0, 0));
    if (values.out !== undefined) env.BENCH_OUT = String(values.out);
    const rounds = Number(env.BENCH_ROUNDS ?? 9);
    const warmup = env.BENCH_WARMUP === '0' ? 0 : Number(env.BENCH_WARMUP ?? 1);
    const child = spawn(process.execPath, ['--expose-gc', RUNNER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tty = process.stderr.isTTY === true;
    let total = 0;
    let started = 0;
    let barShown = false;
    // The table comes once every run is done: complete the bar before it.
    const finishBar = () => {
      if (tty && barShown) process.stderr.write(`\r${bar(total, total)}\x1b[K\n`);
      barShown = false;
    };
    // With --json the runner's report goes to stderr and results.json, once written, to stdout.
    let report = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      finishBar();
      report += chunk.toString();
      (values.json ? process.stderr : process.stdout).write(chunk);
    });
    // A runner that dies prints Node's crash report: keep only its error's message.
    let crash: string | null = null;
    for await (const line of createInterface({ input: child.stderr! })) {
      if (crash !== null || /^file:\/\/\S+:\d+$/.test(line)) {
        crash ??= '';
        if (crash === '' && /^\w*Error\b/.test(line)) crash = line.replace(/^Error: /, '');
        continue;
      }
      const header = /; ([\w-]+(?:, [\w-]+)*)$/.exec(line);
      if (total === 0 && header) total = header[1]!.split(', ').length * LIBRARIES * (rounds + warmup);
      if (START.test(line)) {
        started++;
        if (tty) {
          process.stderr.write(`\r${bar(started - 1, total)} ${line.replace(/ \.\.\.$/, '')}\x1b[K`);
          barShown = true;
          continue;
        }
      } else if (tty && barShown && /^\[/.test(line)) {
        continue; // a run's result line: the bar already moved on
      }
      if (tty && barShown) process.stderr.write('\r\x1b[K');
      process.stderr.write(`${line}\n`);
    }
    const code = await new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
    finishBar();
    if (crash !== null) throw new Error(crash || `the benchmark runner failed (exit status ${code})`);
    if (values.json) {
      const written = /^wrote (.*results\.json)$/m.exec(report);
      if (!written) throw new Error('the runner wrote no results.json');
      process.stdout.write(readFileSync(written[1]!, 'utf8'));
    }
    return code ?? 1;
  },
};
