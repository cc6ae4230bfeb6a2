/**
 * Argument validation with Node's own error codes (ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE,
 * ERR_OUT_OF_RANGE), so callers can test `err.code` as they do for node:net.
 * @internal
 */

type CodedTypeError = TypeError & { code: string };
type CodedRangeError = RangeError & { code: string };

/**
 * `value` as text for an error message. Never throws, whatever the value: a Symbol, an object
 * without a prototype or a Proxy whose traps throw must still get its coded error.
 */
export function show(value: unknown): string {
  try {
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'bigint') return `${value}n`;
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) return describe(value);
    return String(value);
  } catch {
    return 'a value that cannot be shown';
  }
}

function describe(value: unknown): string {
  try {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
    if (typeof value === 'object') {
      const ctor: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof ctor === 'string' && ctor ? `an instance of ${ctor}` : 'an object';
    }
    let shown = show(value);
    if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
    if (typeof value === 'string') shown = `'${shown}'`;
    return `type ${typeof value} (${shown})`;
  } catch {
    return 'a value that cannot be shown';
  }
}

/**
 * The codes of the argument and state errors iolib throws, with the class each is made as (the
 * table Node's internal/errors.js keeps for its own codes).
 */
export const ERROR_CODES = {
  /** An argument of the wrong type. */
  ERR_INVALID_ARG_TYPE: TypeError,
  /** An argument of the right type with a value that is not allowed (an option a kind of socket does not take). */
  ERR_INVALID_ARG_VALUE: TypeError,
  /** A number outside its range. */
  ERR_OUT_OF_RANGE: RangeError,
  /** An operation the socket's kind cannot do (resetAndDestroy on a Unix socket). */
  ERR_INVALID_HANDLE_TYPE: TypeError,
  /** A call the object's state forbids (a second poll() on a Poller). */
  ERR_INVALID_STATE: Error,
} as const;

/** An error code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** `phrase` after its indefinite article, for messages: 'an internet stream', 'a local datagram'. */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** The error for `code` (of its table class) with `message`: every coded error is made here. */
export function codedError<K extends ErrorCode>(code: K, message: string): InstanceType<(typeof ERROR_CODES)[K]> & { code: K } {
  const err = new ERROR_CODES[code](message) as InstanceType<(typeof ERROR_CODES)[K]> & { code: K };
  err.code = code;
  return err;
}

/** TypeError with code ERR_INVALID_ARG_TYPE. */
export function invalidArgType(name: string, expected: string, actual: unknown): CodedTypeError {
  return codedError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
}

/** TypeError with code ERR_INVALID_ARG_VALUE. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): CodedTypeError {
  let shown: string;
  try {
    shown = typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? show(value);
  } catch {
    shown = show(value);
  }
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return codedError('ERR_INVALID_ARG_VALUE', `The argument '${name}' ${reason}. Received ${shown}`);
}

/** RangeError with code ERR_OUT_OF_RANGE. */
export function outOfRange(name: string, range: string, value: unknown): CodedRangeError {
  return codedError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${show(value)}`);
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
}

/** Throws unless `value` is a boolean. */
export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
}

/** Throws unless `value` is a string. */
export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
}

/** Throws unless `value` is one of `choices`. */
export function validateOneOf<T extends string>(value: unknown, name: string, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) throw invalidArgValue(name, value, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}`);
}

/** Throws unless `value` is a plain object (or undefined, when `optional`). */
export function validateObject(value: unknown, name: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value);
}

/** Throws unless `value` is a non-negative finite number of milliseconds (or undefined). */
export function validateTimeout(value: unknown, name = 'timeout'): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value >= 0) || !Number.isFinite(value)) throw outOfRange(name, 'a finite number >= 0', value);
}

/** Throws unless `value` is an AbortSignal (or undefined). */
export function validateSignal(value: unknown, name = 'signal'): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', value);
}
