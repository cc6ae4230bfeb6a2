#!/usr/bin/env node
/**
 * The `iolib` command: socat-, ipcalc- and getent-like tools built on iolib's public API.
 * `iolib COMMAND --help` describes each command; a mistake ends as one line on stderr and a
 * non-zero exit status (2 for usage, 1 for failures), never a stack trace. An internal error
 * (a bug) exits 1 with its stack.
 * @module
 */
import { readFileSync } from 'node:fs';
import { UsageError, parseInvocation, type Command } from './command.js';
import { relay } from './relay.js';
import { addr } from './addr.js';
import { lookup } from './lookup.js';
import { reverse } from './reverse.js';
import { service } from './service.js';
import { protocol } from './protocol.js';
import { interfaces } from './interfaces.js';
import { bench } from './bench.js';

const COMMANDS: Command[] = [relay, addr, lookup, reverse, service, protocol, interfaces, bench];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return `usage: iolib COMMAND [ARGS...] [options]

IOLib's socket model for Node.js, as a command: relay bytes between any two kinds of socket,
do address arithmetic, and query the name databases.

commands:
${COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`).join('\n')}

options:
  -h, --help     this help (iolib COMMAND --help for a command's)
  -V, --version  print the version

exit status: 0 success, 1 failure (the error on one line), 2 bad command line
`;
}

/**
 * Output into a pipe whose reader has gone (`iolib interfaces | head -1`) ends the command
 * quietly with status 0, as Unix tools end on SIGPIPE; the relay reports it instead, since
 * there the reader is one of its two endpoints.
 */
function quietOnClosedOutput(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    fail(err);
  });
}

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
async function main(argv: string[]): Promise<number> {
  const [word, ...rest] = argv;
  if (word !== relay.name) quietOnClosedOutput();
  if (word === undefined || word === '-h' || word === '--help' || word === 'help') {
    const topic = word === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (topic) return main([topic.name, '--help']);
    process.stdout.write(topHelp());
    return word === undefined ? 2 : 0;
  }
  if (word === '-V' || word === '--version') {
    process.stdout.write(`iolib ${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === word);
  if (!command) throw new UsageError(`unknown command '${word}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  const invocation = parseInvocation(command, rest);
  return invocation ? command.run(invocation) : 0;
}

/** One line for any error: its message's first line, prefixed with its code when it has one. */
function oneLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const first = err.message.split('\n')[0]!;
  return typeof code === 'string' && !first.includes(code) && !(err instanceof UsageError) ? `${first} (${code})` : first;
}

/**
 * An error no input or system call explains: a TypeError, ReferenceError or SyntaxError
 * without a code (every error iolib and Node raise for bad input has one).
 */
function isBug(err: unknown): err is Error {
  const uncoded = err instanceof Error && typeof (err as { code?: unknown }).code !== 'string';
  return uncoded && (err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError);
}

function fail(err: unknown): never {
  const who = process.argv[2] && COMMANDS.some((c) => c.name === process.argv[2]) ? `iolib ${process.argv[2]}` : 'iolib';
  // A bug's one line says nothing of where it happened: its stack goes with it.
  process.stderr.write(isBug(err) ? `${who}: internal error (a bug in iolib): ${err.stack ?? err.message}\n` : `${who}: ${oneLine(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  fail(err);
}
