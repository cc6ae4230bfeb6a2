/**
 * `iolib addr CIDR|ADDRESS [NETMASK]`: an ipcalc for IPv4 and IPv6 built on iolib/address —
 * the network, netmask, broadcast, host range and counts of a prefix, and what kind of address
 * it is.
 * @module
 */
import {
  Ipv4Address, Ipv4Network, Ipv6Address, Ipv6Network, ensureAddress, inetAddressType, isPrivate, networkClass,
  type InetAddress,
} from '../address/index.js';
import { createInterface } from 'node:readline';
import { UsageError, printFields, printJson, type Command } from './command.js';

/** What `addr --json` prints. Counts are numbers for IPv4 and decimal strings for IPv6. */
export interface AddrReport {
  version: 4 | 6;
  /** The address as given, in canonical text (RFC 5952 for IPv6). */
  address: string;
  /** IPv6: all eight groups, four digits each. */
  expanded?: string;
  /** IPv4: the address as an unsigned 32-bit integer. */
  integer?: number;
  /** IPv4: the classful network class, 'A' to 'E'. */
  class?: string;
  /** The address's kind (unicast, multicast, loopback, ...), its IPv6 type, and 'private'. */
  kinds: string[];
  network?: string;
  prefixLength?: number;
  netmask?: string;
  /** The host bits (Cisco's wildcard mask). */
  wildcard?: string;
  /** IPv4 only: every host bit set. */
  broadcast?: string;
  /** First and last usable host (RFC 3021 for /31; IPv6 skips the subnet-router anycast address). */
  hostMin?: string;
  hostMax?: string;
  hosts?: number | string;
  addresses?: number | string;
}

function wordsToBigint(words: Uint16Array): bigint {
  let n = 0n;
  for (const w of words) n = (n << 16n) | BigInt(w);
  return n;
}

function bigintToAddress(n: bigint): Ipv6Address {
  const words = new Uint16Array(8);
  for (let i = 7; i >= 0; i--) {
    words[i] = Number(n & 0xffffn);
    n >>= 16n;
  }
  return new Ipv6Address(words);
}

function kindsOf(address: InetAddress): string[] {
  const { kind, subtype } = inetAddressType(address);
  const kinds: string[] = [kind];
  if (subtype) kinds.push(subtype);
  if (isPrivate(address)) kinds.push('private');
  return kinds;
}

function expanded(address: Ipv6Address): string {
  return Array.from(address.name, (w) => w.toString(16).padStart(4, '0')).join(':');
}

/** Builds the report for `text` (an address, or address/prefix) and an optional netmask. */
export function addrReport(text: string, netmask?: string): AddrReport {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? netmask : text.slice(slash + 1);
  const address = ensureAddress(addressText) as InetAddress;
  const kinds = kindsOf(address);
  if (address instanceof Ipv4Address) {
    const report: AddrReport = { version: 4, address: address.toString(), integer: address.toInteger(), class: networkClass(address).toUpperCase(), kinds };
    if (maskText === undefined) return report;
    const network = new Ipv4Network(`${addressText}/${maskText}`);
    const first = network.address.toInteger();
    const last = network.broadcast.toInteger();
    const prefix = network.prefixLength;
    const [hostMin, hostMax] = prefix >= 31 ? [first, last] : [first + 1, last - 1];
    return {
      ...report,
      network: network.toString(),
      prefixLength: prefix,
      netmask: network.netmask.toString(),
      wildcard: new Ipv4Address(network.netmask.name.map((b) => ~b & 0xff)).toString(),
      broadcast: network.broadcast.toString(),
      hostMin: new Ipv4Address(toBytes(hostMin)).toString(),
      hostMax: new Ipv4Address(toBytes(hostMax)).toString(),
      hosts: hostMax - hostMin + 1,
      addresses: network.addressCount,
    };
  }
  const v6 = address as Ipv6Address;
  const report: AddrReport = { version: 6, address: v6.toString(), expanded: expanded(v6), kinds };
  if (maskText === undefined) return report;
  const network = new Ipv6Network(`${new Ipv6Address(v6.name).toString()}/${maskText}`);
  const first = wordsToBigint(network.address.name);
  const last = first + network.addressCount - 1n;
  // As Python's ipaddress: /128 is its one address, /127 both, else all but the first.
  const hostMin = network.prefixLength >= 127 ? first : first + 1n;
  return {
    ...report,
    network: network.toString(),
    prefixLength: network.prefixLength,
    netmask: network.netmask.toString(),
    wildcard: bigintToAddress(network.addressCount - 1n).toString(),
    hostMin: bigintToAddress(hostMin).toString(),
    hostMax: bigintToAddress(last).toString(),
    hosts: (last - hostMin + 1n).toString(),
    addresses: network.addressCount.toString(),
  };
}

function toBytes(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function printReport(r: AddrReport): void {
  const rows: [string, string][] = [['Address', r.address]];
  if (r.expanded) rows.push(['Expanded', r.expanded]);
  if (r.integer !== undefined) rows.push(['Integer', String(r.integer)]);
  if (r.network !== undefined) {
    rows.push(['Network', r.network], ['Netmask', `${r.netmask} = ${r.prefixLength}`], ['Wildcard', r.wildcard!]);
    if (r.broadcast) rows.push(['Broadcast', r.broadcast]);
    rows.push(['HostMin', r.hostMin!], ['HostMax', r.hostMax!], ['Hosts', String(r.hosts)], ['Addresses', String(r.addresses)]);
  }
  if (r.class) rows.push(['Class', r.class]);
  rows.push(['Kind', r.kinds.join(', ')]);
  printFields(rows);
}

/** Reports on every non-empty line of standard input; the first bad line fails the whole. */
async function batch(json: boolean): Promise<number> {
  const reports: AddrReport[] = [];
  let number = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    number++; // the input's own line number, blank lines counted
    const text = line.trim();
    if (text === '') continue;
    try {
      reports.push(addrReport(text));
    } catch (err) {
      throw new Error(`line ${number} (${text}): ${(err as Error).message}`, { cause: err });
    }
  }
  if (json) printJson(reports);
  else reports.forEach((r, i) => {
    if (i > 0) process.stdout.write('\n');
    printReport(r);
  });
  return 0;
}

/** The `addr` subcommand. */
export const addr: Command = {
  name: 'addr',
  args: 'CIDR|ADDRESS [NETMASK]',
  summary: 'Address arithmetic (ipcalc): network, netmask, broadcast, hosts, kinds.',
  help: `With - as CIDR, reads one CIDR or address per line from standard input (a JSON array with
--json, else the reports one after another). CIDR is ADDRESS/PREFIX or ADDRESS/NETMASK (10.1.2.3/16, 10.1.2.3/255.255.0.0,
2001:db8::1/48); a NETMASK may also follow as a second argument. An address alone shows its
canonical form and kinds. IPv4 text is strict (four decimal parts, no leading zeros); IPv6 is
printed in RFC 5952 form.

options:
  --json      print one JSON object (counts are strings for IPv6)
  -h, --help  this help

examples:
  iolib addr 192.168.10.77/22
  iolib addr 10.0.0.1 255.255.255.0
  iolib addr 2001:DB8:0:0:1::1/64 --json
  printf '10.0.0.0/8\\n::1\\n' | iolib addr - --json`,
  options: { json: { type: 'boolean' } },
  arity: [1, 2],
  async run({ values, positionals }) {
    const [text, netmask] = positionals as [string, string | undefined];
    if (netmask !== undefined && (text.includes('/') || text === '-')) throw new UsageError(`give either ${text} or a netmask, not both`);
    if (text === '-') return batch(values.json === true);
    const report = addrReport(text, netmask);
    if (values.json) printJson(report);
    else printReport(report);
    return 0;
  },
};
