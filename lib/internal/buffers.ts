/**
 * Buffer views for the read paths. Node's own Buffer class (what `subarray` and `Buffer.from`
 * build) is reachable as `Buffer[Symbol.species]`; constructing it directly skips the species
 * look-up and argument checks: about a third of the cost per chunk or message.
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';

type ViewCtor = new (memory: ArrayBufferLike, offset: number, length: number) => Buffer;

const species = (Buffer as unknown as { [Symbol.species]?: ViewCtor })[Symbol.species];
const FastBuffer: ViewCtor =
  typeof species === 'function' && species !== (Buffer as unknown) ? species : (class extends Uint8Array {} as unknown as ViewCtor);
const viewsAreBuffers = Buffer.isBuffer(new FastBuffer(new ArrayBuffer(1), 0, 1));

let lastPool: Buffer | null = null;
let lastMemory: ArrayBufferLike = new ArrayBuffer(0);
let lastBase = 0;

/** A Buffer of `length` bytes at `offset` of `pool`, sharing its memory. */
export function viewOf(pool: Buffer, offset: number, length: number): Buffer {
  if (!viewsAreBuffers) return pool.subarray(offset, offset + length);
  if (pool !== lastPool) {
    lastPool = pool;
    lastMemory = pool.buffer;
    lastBase = pool.byteOffset;
  }
  return new FastBuffer(lastMemory, lastBase + offset, length);
}
