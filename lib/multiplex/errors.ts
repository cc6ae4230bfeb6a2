/**
 * The multiplexer's own errors: a closed Poller or EventBase, a call made in the wrong state,
 * and failed system calls on user fds.
 * @module
 */
import { IolibError } from '../errors.js';
import { codedError } from '../internal/validate.js';

/** Any use of a closed {@link Poller} or {@link EventBase} (code `ERR_POLLER_CLOSED`). */
export class PollerClosedError extends IolibError {
  /** The error's code. */
  readonly code = 'ERR_POLLER_CLOSED';
  constructor(what: 'Poller' | 'EventBase') {
    super(`${what} is closed`);
  }
}

/** An Error with code `ERR_INVALID_STATE`, as Node makes it, for a call the object's state forbids. */
export function invalidState(message: string): Error & { code: string } {
  return codedError('ERR_INVALID_STATE', `Invalid state: ${message}`);
}

