/** Shared helpers of the dns tests. */
import { existsSync } from 'node:fs';

/** Awaits `p` and returns what it rejected with; fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Runs `fn` and returns what it threw; fails when it returns. */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}

/**
 * Skips the suite (with a message naming what is missing) when a system database file is
 * absent, as on a fresh machine without Debian's `netbase` package.
 */
export function requireFile(ctx: Mocha.Context, path: string, pkg = 'netbase'): void {
  if (!existsSync(path)) {
    console.warn(`      skipped: ${path} is missing (install the ${pkg} package)`);
    ctx.skip();
  }
}
