/**
 * What every `iolib` subcommand is, and the argument handling they share: options parsed with
 * node:util's parseArgs, `--help` on each, and usage errors that end as one line on stderr.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: printed as one line, exit status 2. */
export class UsageError extends Error {
  override get name(): string {
    return 'UsageError';
  }
}

/** The options a subcommand declares, in parseArgs' form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a subcommand receives: its option values and positional arguments. */
export interface Invocation {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One subcommand of `iolib`. */
export interface Command {
  /** The word that selects it (`relay`). */
  name: string;
  /** Its arguments as the usage line shows them (`A B`). */
  args: string;
  /** One line for the top-level help. */
  summary: string;
  /** The rest of its `--help`: what it does, its options, examples. */
  help: string;
  /** Its options (`--help` is added to every command). */
  options: OptionSpec;
  /** Positional arguments it takes: [fewest, most]. */
  arity: [number, number];
  /** Runs it; resolves to the exit status. */
  run(invocation: Invocation): Promise<number>;
}

/** The full `--help` text of a command. */
export function helpText(command: Command): string {
  return `usage: iolib ${command.name}${command.args ? ` ${command.args}` : ''} [options]\n\n${command.summary}\n\n${command.help.trimEnd()}\n`;
}

/** Parses a command's arguments; null when `--help` was asked for (the help is printed). */
export function parseInvocation(command: Command, argv: string[]): Invocation | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs' messages are one sentence; keep the first line, without its hint. A value
    // that starts with '-' reads as an option to it ("argument is ambiguous").
    const message = (err as Error).message;
    const ambiguous = /argument is ambiguous[^]*use '(--[\w-]+)=-XYZ'/.exec(message);
    if (ambiguous) throw new UsageError(`${ambiguous[1]} needs a value; write one that starts with '-' as ${ambiguous[1]}=VALUE`);
    throw new UsageError(message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(command));
    return null;
  }
  const [fewest, most] = command.arity;
  const n = parsed.positionals.length;
  if (n < fewest || n > most) {
    const wanted = fewest === most ? `${fewest}` : `${fewest} to ${most}`;
    throw new UsageError(`${command.name} takes ${wanted} argument${most === 1 ? '' : 's'} (${command.args || 'none'}), got ${n}; see iolib ${command.name} --help`);
  }
  return { values: parsed.values as Invocation['values'], positionals: parsed.positionals };
}

/** Writes `value` as indented JSON (bigints as decimal strings) and a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Writes rows of `label: value` with the values aligned. */
export function printFields(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  process.stdout.write(rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join(''));
}

/** Reads an integer option in [min, max], or `fallback` when it is absent. */
export function integerOption(values: Invocation['values'], name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got '${String(raw)}'`);
  }
  return n;
}
