/**
 * `iolib protocol NAME|NUMBER`: getent protocols on iolib/dns.
 * @module
 */
import { lookupProtocol } from '../dns/index.js';
import { printJson, type Command } from './command.js';

/** The `protocol` subcommand. */
export const protocol: Command = {
  name: 'protocol',
  args: 'NAME|NUMBER',
  summary: 'Look a protocol up by name or number (the protocols database).',
  help: `Prints the line as getent protocols does: name, number, aliases.

options:
  --json      print { name, number, aliases }
  -h, --help  this help

examples:
  iolib protocol tcp
  iolib protocol 17 --json`,
  options: { json: { type: 'boolean' } },
  arity: [1, 1],
  async run({ values, positionals }) {
    const key = positionals[0]!;
    const entry = lookupProtocol(/^\d+$/.test(key) ? Number(key) : key);
    if (values.json) printJson(entry);
    else process.stdout.write(`${entry.name.padEnd(16)}${entry.number}${entry.aliases.length ? ` ${entry.aliases.join(' ')}` : ''}\n`);
    return 0;
  },
};
