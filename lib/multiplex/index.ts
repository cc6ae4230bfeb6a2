/**
 * `iolib/multiplex`: readiness multiplexing over any pollable fd and this library's sockets —
 * {@link Poller} (a polling context), {@link EventBase} (IOLib's iomux event base),
 * {@link waitUntilFdReady} and {@link isFdReady}.
 * @module
 */
export { Poller, type PollEvent, type PollInterest, type PollOptions } from './poller.js';
export {
  EventBase,
  type IoEvent,
  type IoHandler,
  type IoHandlerEvent,
  type IoHandlerOptions,
  type TimerOptions,
  type DispatchOptions,
} from './event-base.js';
export { Timer } from './timer-queue.js';
export { waitUntilFdReady, isFdReady, type FdWaitEvent, type FdReadiness, type FdWaitOptions } from './wait.js';
export type { FdTarget } from './registry.js';
export { PollerClosedError } from './errors.js';
export { IolibError, SyscallError, SocketClosedError, PollTimeoutError, AbortError } from '../errors.js';
