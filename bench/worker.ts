/**
 * One library's benchmark process for one workload: `node --expose-gc worker.js iolib|node`,
 * forked by the runner and kept for the whole benchmark, as a server process is. Each library
 * runs in processes of its own so that neither pays for the other (one V8 heap and its GC
 * pacing, the type feedback of node's stream internals, malloc's arenas); the node worker
 * never imports iolib. Each workload too: in a heap shaped by the others, V8 can fall into a
 * mark-compact per scavenge of bulk reads, whichever library reads (bench/README.md).
 *
 * No forced GC before a run: the old runner's three `gc()` calls before every run made node's
 * next ping-pong cost ~30% more CPU per round trip (iolib's: no change), which is most of why
 * node:net measured worse in bench/ than in a plain program (bench/README.md).
 *
 * Protocol: the runner sends `{ name }`; the worker runs that workload once (the socket fds it
 * left open counted after) and answers a `RunReply`. After a failed run it answers with
 * `fatal: true` when its state can no longer be trusted (a timeout, an uncaught exception),
 * and the runner replaces it.
 */
import { RUN_TIMEOUT_MS, openSockets, sleep, type RunReply, type RunRequest } from './workload.js';
import { workloads } from './workloads/index.js';

const library = process.argv[2];
if (library !== 'iolib' && library !== 'node') throw new Error(`bench worker: library must be iolib or node, got ${library}`);

let failCurrent: ((err: unknown) => void) | null = null;
process.on('uncaughtException', (err) => {
  if (failCurrent) failCurrent(err);
  else throw err;
});

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

async function runOnce(name: string): Promise<RunReply> {
  const w = workloads.find((x) => x.name === name);
  if (!w) return { value: NaN, ms: 0, fdDelta: 0, error: `unknown workload ${name}` };
  const fdsBefore = openSockets();
  w.details = undefined;
  const start = performance.now();
  let value = NaN;
  let error: string | undefined;
  let fatal = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    value = await new Promise<number>((resolve, reject) => {
      failCurrent = (err) => {
        fatal = true;
        reject(err);
      };
      timer = setTimeout(() => {
        fatal = true;
        reject(new Error(`did not finish in ${RUN_TIMEOUT_MS} ms`));
      }, RUN_TIMEOUT_MS);
      (library === 'iolib' ? w.runIolib() : w.runNode()).then(resolve, reject);
    });
  } catch (err) {
    error = describe(err);
  } finally {
    failCurrent = null;
    clearTimeout(timer);
  }
  const ms = performance.now() - start;
  // Closes finish within a turn or two of the event loop; give them a moment before counting.
  let fdDelta = openSockets() - fdsBefore;
  for (let i = 0; i < 20 && fdDelta > 0; i++) {
    await sleep(10);
    fdDelta = openSockets() - fdsBefore;
  }
  return { value, ms: Math.round(ms), fdDelta, pid: process.pid, ...(w.details ? { details: w.details } : {}), ...(error ? { error } : {}), ...(fatal ? { fatal } : {}) };
}

process.on('message', (msg: RunRequest) => {
  void runOnce(msg.name).then((reply) => process.send!(reply));
});
