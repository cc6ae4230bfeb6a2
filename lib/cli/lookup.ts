/**
 * `iolib lookup HOST`: getent ahosts on iolib/dns — every address getaddrinfo answers for a
 * host, with its canonical name.
 * @module
 */
import { lookupHostname, type Ipv6Mode } from '../dns/index.js';
import { UsageError, integerOption, printJson, type Command } from './command.js';

/** The `lookup` subcommand. */
export const lookup: Command = {
  name: 'lookup',
  args: 'HOST',
  summary: 'Resolve a host name to its addresses (getaddrinfo).',
  help: `Prints one address per line, then the canonical name. A literal address answers itself
without a look-up.

options:
  -4, --ipv4        IPv4 addresses only
  -6, --ipv6        IPv6 addresses only
  --timeout MS      give up after MS milliseconds
  --json            print { host, canonicalName, addresses: [{ address, family }] }
  -h, --help        this help

examples:
  iolib lookup localhost
  iolib lookup -4 localhost --json`,
  options: { ipv4: { type: 'boolean', short: '4' }, ipv6: { type: 'boolean', short: '6' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  arity: [1, 1],
  async run({ values, positionals }) {
    if (values.ipv4 && values.ipv6) throw new UsageError('give -4 or -6, not both');
    const ipv6: Ipv6Mode = values.ipv4 ? false : values.ipv6 ? 'only' : true;
    const timeout = values.timeout === undefined ? undefined : integerOption(values, 'timeout', 0);
    const host = positionals[0]!;
    const entry = await lookupHostname(host, { ipv6, ...(timeout === undefined ? {} : { timeout }) });
    const addresses = [entry.address, ...entry.addresses];
    if (values.json) {
      printJson({ host, canonicalName: entry.canonicalName, addresses: addresses.map((a) => ({ address: a.toString(), family: a.type })) });
    } else {
      process.stdout.write(addresses.map((a) => `${a.toString()}\n`).join(''));
      process.stdout.write(`canonical name: ${entry.canonicalName}\n`);
    }
    return 0;
  },
};
