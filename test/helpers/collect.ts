/**
 * Full garbage collections on demand, for the tests of what the collector releases (sockets,
 * their files, pollers): --expose-gc set at run time, and `gc` taken from a fresh context.
 */
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');

/** A full collection. */
export const gc = runInNewContext('gc') as () => void;

/** Full collections until `predicate` holds (finalizers run after the collection). */
export async function collectUntil(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 50 && !predicate(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(predicate(), what).to.equal(true);
}
