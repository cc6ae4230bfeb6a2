/**
 * {@link Timer} and the expiry-ordered queue an EventBase keeps its timers in.
 * @module
 */

let sequence = 0;

/**
 * A timer of an {@link EventBase}: what `addTimer` returns, for `removeTimer`. It calls its
 * callback `delay` ms after it was added, and every `delay` ms after that unless `oneShot`.
 */
export class Timer {
  /** Milliseconds from scheduling to expiry (and between expiries of a periodic timer). */
  readonly delay: number;
  /** True: fires once; false: fires every `delay` ms until removed. */
  readonly oneShot: boolean;
  /** @internal What the timer calls. */
  readonly _callback: () => void;
  /** @internal When it expires (performance.now() time). */
  _expires = 0;
  /** @internal Order of creation, which breaks ties between equal expiries. */
  readonly _seq = sequence++;
  /** @internal Whether it is in a queue. */
  _queued = false;

  /** @internal Timers are made by EventBase.addTimer. */
  constructor(callback: () => void, delay: number, oneShot: boolean) {
    this._callback = callback;
    this.delay = delay;
    this.oneShot = oneShot;
  }

  /** Whether the timer is scheduled (false once fired, if one-shot, or removed). */
  get scheduled(): boolean {
    return this._queued;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a._expires < b._expires || (a._expires === b._expires && a._seq < b._seq);
}

/** Timers ordered by expiry, then by creation. */
export class TimerQueue {
  private readonly timers: Timer[] = [];

  /** How many timers are queued. */
  get size(): number {
    return this.timers.length;
  }

  /** The earliest expiry, or undefined when empty. */
  get next(): number | undefined {
    return this.timers[0]?._expires;
  }

  /** Queues `timer` to expire at `expires`. */
  add(timer: Timer, expires: number): void {
    timer._expires = expires;
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.timers[mid]!, timer)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    timer._queued = true;
  }

  /** Takes `timer` out of the queue (nothing when it is not there). */
  remove(timer: Timer): void {
    const i = timer._queued ? this.timers.indexOf(timer) : -1;
    if (i < 0) return;
    this.timers.splice(i, 1);
    timer._queued = false;
  }

  /** The timers expired at `now`, in expiry order (a snapshot). */
  due(now: number): Timer[] {
    let n = 0;
    while (n < this.timers.length && this.timers[n]!._expires <= now) n++;
    return this.timers.slice(0, n);
  }

  /**
   * Fires `timer` (expired at `now`): takes it out, queues a periodic one again one `delay`
   * after its expiry (or after `now` when it is late by more than that: no bursts), then
   * calls it.
   */
  fire(timer: Timer, now: number): void {
    this.remove(timer);
    if (!timer.oneShot) {
      const next = timer._expires + timer.delay;
      this.add(timer, next > now ? next : now + timer.delay);
    }
    timer._callback();
  }

  /** Empties the queue. */
  clear(): void {
    for (const t of this.timers) t._queued = false;
    this.timers.length = 0;
  }
}
