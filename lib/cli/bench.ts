/**
 * `iolib bench [WORKLOAD...]`: runs the benchmark suite of a source checkout in this process
 * through the runner's own interface (`run(selection, { rounds, warmup, outDir, onProgress })`
 * of bench/run.js, which measures in worker processes of its own), drawing a progress bar on a
 * terminal and plain progress lines otherwise, then prints its table and where the chart went.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerOption, type Command } from './command.js';

const RUNNER = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

/** What the CLI uses of bench/run.js. */
interface Runner {
  run(selection: readonly string[], options: {
    rounds?: number;
    warmup?: number;
    outDir?: string;
    onProgress?: (p: { workload: string; library: string; round: number; rounds: number; warmup: number; value: number; unit: string; error?: string; done: number; total: number }) => void;
  }): Promise<{ table: string; errors: string[]; written: string[]; totalSeconds: number }>;
}

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
  help: `Runs bench/: each WORKLOAD (a name or a prefix, e.g. tcp or
idle-memory; all when none is given) through iolib, node:net / node:dgram and the C references, with a
progress bar on a terminal and plain progress lines otherwise, then prints the table of
ratios and the paths of results.json and the SVG chart. See bench/README.md for the method.

options:
  --rounds N    recorded rounds (default: the runner's, 7)
  --warmup N    unrecorded rounds first (default: the runner's, 1)
  --out DIR     where results.json and results.svg go (default: bench/ in a source
                checkout, the working directory in an installed package, which
                writes nothing into itself)
  --json        print results.json on stdout (the table then goes to stderr)
  -h, --help    this help

examples:
  iolib bench tcp-pingpong --rounds 3
  iolib bench`,
  options: { rounds: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  arity: [0, Infinity],
  async run({ values, positionals }) {
    if (!existsSync(RUNNER)) throw new Error(`the benchmarks are not here (${RUNNER}); run iolib bench from a built source checkout`);
    const options: Parameters<Runner['run']>[1] = {};
    if (values.rounds !== undefined) options.rounds = integerOption(values, 'rounds', 1, 1);
    if (values.warmup !== undefined) options.warmup = integerOption(values, 'warmup', 0, 0);
    if (values.out !== undefined) options.outDir = String(values.out);
    const { run } = (await import(pathToFileURL(RUNNER).href)) as Runner;
    const tty = process.stderr.isTTY === true;
    options.onProgress = (p) => {
      const label = p.round < 0 ? `warmup ${p.round + p.warmup + 1}/${p.warmup}` : `${p.round + 1}/${p.rounds}`;
      const line = `[${label}] ${p.workload} ${p.library} ${p.error ? `failed: ${p.error}` : `${p.value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${p.unit}`}`;
      if (tty && !p.error) process.stderr.write(`\r${bar(p.done, p.total)} ${line}\x1b[K`);
      else process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
    };
    const report = await run(positionals, options);
    if (tty) process.stderr.write('\r\x1b[K');
    // With --json the table goes to stderr and results.json to stdout.
    const out = values.json ? process.stderr : process.stdout;
    out.write(`\n${report.table}\n\n${report.totalSeconds} s\n`);
    if (report.errors.length) out.write(`failed runs:\n${[...new Set(report.errors)].map((e) => `  ${e}`).join('\n')}\n`);
    for (const path of report.written) out.write(`wrote ${path}\n`);
    if (values.json) {
      const json = report.written.find((path) => path.endsWith('results.json'));
      if (!json) throw new Error('no results.json was written (give --out DIR)');
      process.stdout.write(readFileSync(json, 'utf8'));
    }
    return report.errors.length ? 1 : 0;
  },
};
