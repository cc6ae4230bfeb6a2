/**
 * Reproduces V8's mark-compact per scavenge under bulk reads (bench/README.md, "Bulk reads in a
 * long-lived process"), for either library:
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/bulk-read-gc.js iolib|node [--rounds N] [--ballast MB] [--alone]
 *
 * Each round runs tcp-throughput once, then (unless `--alone`) every other count-form workload
 * once, all in this one process, as the runner's shared worker did before each workload got a
 * process of its own. `--ballast MB` keeps about that much in the old generation, as an
 * application's own data would. Prints, per throughput run, its MiB/s, the scavenges and
 * mark-compacts it caused, and the old generation's size after it. Run with
 * `--no-concurrent-array-buffer-sweeping` to see the mark-compacts go.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { isWindowForm, workloads } from './workloads/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '10' }, ballast: { type: 'string', default: '0' }, alone: { type: 'boolean', default: false } },
});
const library = positionals[0];
if (library !== 'iolib' && library !== 'node') throw new TypeError(`bulk-read-gc: the library must be iolib or node, got ${library}`);
const rounds = Number(values.rounds);
const ballastMb = Number(values.ballast);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`bulk-read-gc: --rounds must be a positive integer, got ${values.rounds}`);
if (!(ballastMb >= 0)) throw new RangeError(`bulk-read-gc: --ballast must be a number of MB >= 0, got ${values.ballast}`);

// ~1 KiB strings, each in an object: old-generation data that lives as long as the process.
const ballast = Array.from({ length: Math.round(ballastMb * 1024) }, (_, i) => ({ i, text: `${'x'.repeat(1000)}${i}` }));

let scavenges = 0;
let markCompacts = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) markCompacts++;
  }
}).observe({ entryTypes: ['gc'] });

const oldGenerationMb = () =>
  getHeapSpaceStatistics()
    .filter((s) => s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space' && s.space_name !== 'read_only_space')
    .reduce((sum, s) => sum + s.space_used_size, 0) / 1048576;

const throughput = workloads.find((w) => w.name === 'tcp-throughput')!;
const others = workloads.filter((w) => w !== throughput && !isWindowForm(w));
const runOnce = (w: (typeof workloads)[number]) => (library === 'iolib' ? w.runIolib() : w.runNode());

for (let round = 1; round <= rounds; round++) {
  scavenges = markCompacts = 0;
  const mibPerSecond = await runOnce(throughput);
  // GC entries are delivered after the turn they happen in.
  await new Promise((resolve) => setImmediate(resolve));
  console.log(`${library} round ${round}: ${mibPerSecond.toFixed(0)} MiB/s, ${scavenges} scavenges, ${markCompacts} mark-compacts, old generation ${oldGenerationMb().toFixed(1)} MB`);
  if (!values.alone) for (const w of others) await runOnce(w);
}
console.log(`(ballast: ${ballast.length} objects)`);
process.exit(0);
