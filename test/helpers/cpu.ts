/**
 * CPU time of the JS thread alone, which tells a spinning event loop from a sleeping one.
 * process.cpuUsage() counts every thread of the process, and V8's helper threads (GC,
 * compilers), which a sanitizer build slows down, can pass a bound while the loop sleeps.
 */
import { readFileSync } from 'node:fs';

/** Nanoseconds the calling thread has run: the first field of Linux's schedstat. */
function threadRunNs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/**
 * Starts counting; stop() gives the milliseconds of CPU the JS thread used since. Where the
 * kernel has no schedstat it falls back to the whole process's CPU, which is never less.
 */
export function loopThreadCpu(): { stop(): number } {
  const ns = threadRunNs();
  if (ns === null) {
    const start = process.cpuUsage();
    return {
      stop() {
        const used = process.cpuUsage(start);
        return (used.user + used.system) / 1000;
      },
    };
  }
  return { stop: () => (threadRunNs()! - ns) / 1e6 };
}
