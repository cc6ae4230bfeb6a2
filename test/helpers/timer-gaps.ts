/**
 * The event loop's responsiveness as a figure: a 10 ms interval timer whose longest gap
 * between runs shows the longest stall (used by the fairness tests and the stress probes).
 */

/** Starts a 10 ms interval timer; stop() gives the longest gap between its runs (ms). */
export function timerGaps(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}
