/**
 * `iolib interfaces`: the network interfaces with their flags and addresses (ip -brief
 * address), from iolib/dns's listAdapters.
 * @module
 */
import { listAdapters, type Adapter } from '../dns/index.js';
import { printJson, type Command } from './command.js';

function flagNames(adapter: Adapter): string[] {
  return Object.entries(adapter.flags).filter(([, on]) => on).map(([name]) => name);
}

/** The `interfaces` subcommand. */
export const interfaces: Command = {
  name: 'interfaces',
  args: '',
  summary: 'List network interfaces with their flags, MTU and addresses.',
  help: `One interface per line: index, name, up/down, MTU, hardware address, flags, then each
address with its prefix length.

options:
  --json      print the adapters as objects (addresses as text)
  -h, --help  this help`,
  options: { json: { type: 'boolean' } },
  arity: [0, 0],
  async run({ values }) {
    const adapters = listAdapters();
    if (values.json) {
      printJson(adapters.map((a) => ({
        ...a,
        addresses: a.addresses.map((x) => ({
          family: x.family,
          address: x.address.toString(),
          prefixLength: x.prefixLength,
          netmask: x.netmask?.toString() ?? null,
          broadcast: x.broadcast?.toString() ?? null,
          peer: x.peer?.toString() ?? null,
        })),
      })));
      return 0;
    }
    for (const a of adapters) {
      const addresses = a.addresses.map((x) => (x.prefixLength === null ? x.address.toString() : `${x.address.toString()}/${x.prefixLength}`));
      const head = `${String(a.index).padStart(3)}: ${a.name.padEnd(10)} ${a.status.padEnd(4)} mtu ${String(a.mtu ?? '-').padEnd(6)} ${a.hardwareAddress ?? '-'}`;
      process.stdout.write(`${head} <${flagNames(a).join(',')}>${addresses.length ? `\n       ${addresses.join(' ')}` : ''}\n`);
    }
    return 0;
  },
};
