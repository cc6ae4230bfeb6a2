/**
 * `iolib service NAME|PORT [PROTO]`: getent services on iolib/dns.
 * @module
 */
import { lookupService, type ServiceProtocol } from '../dns/index.js';
import { UsageError, printJson, type Command } from './command.js';

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'any'];

/** The `service` subcommand. */
export const service: Command = {
  name: 'service',
  args: 'NAME|PORT [PROTO]',
  summary: 'Look a service up by name or port (the services database).',
  help: `PROTO is tcp (the default), udp or any. Prints the line as getent services does:
name, port/protocol, aliases.

options:
  --json      print { name, port, protocol, aliases }
  -h, --help  this help

examples:
  iolib service http
  iolib service 53 udp --json`,
  options: { json: { type: 'boolean' } },
  arity: [1, 2],
  async run({ values, positionals }) {
    const [key, proto = 'tcp'] = positionals as [string, string | undefined];
    if (!PROTOCOLS.includes(proto)) throw new UsageError(`PROTO must be tcp, udp or any, got '${proto}'`);
    const port = /^\d+$/.test(key) ? Number(key) : undefined;
    if (port !== undefined && port > 65535) throw new UsageError(`PORT must be from 0 to 65535, got '${key}'`);
    const entry = lookupService(port ?? key, proto as ServiceProtocol);
    if (values.json) printJson(entry);
    else process.stdout.write(`${entry.name.padEnd(16)}${entry.port}/${entry.protocol}${entry.aliases.length ? ` ${entry.aliases.join(' ')}` : ''}\n`);
    return 0;
  },
};
