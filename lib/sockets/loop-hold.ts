/**
 * Keeps the event loop alive for listening sockets, as a listening net.Server does: a passive
 * socket waits on its fd only while an accept is pending, so between accepts nothing of libuv's
 * would keep the process running. One ref'd timer that never fires stands for all of them.
 * @internal
 * @module
 */
import { TIMER_MAX } from '../internal/wait.js';

const holders = new Set<object>();
let timer: NodeJS.Timeout | null = null;

/** `owner` keeps the loop alive (and is itself kept) until {@link releaseLoop}. */
export function holdLoop(owner: object): void {
  if (holders.has(owner)) return;
  holders.add(owner);
  if (timer === null) timer = setInterval(() => {}, TIMER_MAX);
  else if (holders.size === 1) timer.ref();
}

/** Ends `owner`'s hold. */
export function releaseLoop(owner: object): void {
  if (holders.delete(owner) && holders.size === 0) timer?.unref();
}
