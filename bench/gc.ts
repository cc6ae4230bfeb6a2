/** A full GC (idle-memory's child): `--expose-gc`'s gc(), or one obtained through v8 flags when not exposed. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
if (!gcFn) {
  setFlagsFromString('--expose-gc');
  gcFn = runInNewContext('gc') as () => void;
}

/** Collects garbage a few times across event-loop turns, so finalizers (native handles) run too. */
export async function fullGc(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) {
    gcFn!();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
