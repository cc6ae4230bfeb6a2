/**
 * `iolib reverse ADDRESS`: getnameinfo on iolib/dns — the host name of an address.
 * @module
 */
import { lookupName } from '../dns/index.js';
import { integerOption, printJson, type Command } from './command.js';

/** The `reverse` subcommand. */
export const reverse: Command = {
  name: 'reverse',
  args: 'ADDRESS',
  summary: 'Find the host name of an address (getnameinfo).',
  help: `Prints the name getnameinfo gives the address (the hosts file, then DNS), or fails when
there is none.

options:
  -p, --port PORT   also name the service on PORT
  --timeout MS      give up after MS milliseconds
  --json            print { address, host, service? }
  -h, --help        this help

examples:
  iolib reverse 127.0.0.1
  iolib reverse 127.0.0.1 --port 22 --json`,
  options: { port: { type: 'string', short: 'p' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  arity: [1, 1],
  async run({ values, positionals }) {
    const address = positionals[0]!;
    const port = values.port === undefined ? undefined : integerOption(values, 'port', 0, 0, 65535);
    const timeout = values.timeout === undefined ? undefined : integerOption(values, 'timeout', 0);
    const info = await lookupName(address, { flags: { nameRequired: true }, ...(port === undefined ? {} : { port }), ...(timeout === undefined ? {} : { timeout }) });
    if (values.json) printJson({ address, host: info.host, ...(port === undefined ? {} : { service: info.service }) });
    else process.stdout.write(port === undefined ? `${info.host}\n` : `${info.host} ${info.service}\n`);
    return 0;
  },
};
