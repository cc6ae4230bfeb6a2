/**
 * Network adapters with their configuration (what fsocket's LIST-ADAPTERS gives): flags,
 * MTU, hardware address and every address with its netmask and broadcast or peer address.
 * From getifaddrs, the SIOCGIFMTU ioctl (or /sys/class/net) and, on Linux, the AF_PACKET
 * entries for hardware addresses.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { InetAddress } from '../address/index.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { inetAddressFromBytes } from '../address/sockaddr.js';
import { dnsNative } from './binding.js';
import { syscallError } from '../internal/errno.js';

/** An interface's flags (IFF_*), by name. */
export interface AdapterFlags {
  /** IFF_UP: administratively up. */
  up: boolean;
  /** IFF_BROADCAST: has a valid broadcast address. */
  broadcast: boolean;
  /** IFF_DEBUG */
  debug: boolean;
  /** IFF_LOOPBACK */
  loopback: boolean;
  /** IFF_POINTOPOINT: a point-to-point link (addresses have a peer). */
  pointToPoint: boolean;
  /** IFF_RUNNING: operationally up (resources allocated). */
  running: boolean;
  /** IFF_NOARP */
  noArp: boolean;
  /** IFF_PROMISC */
  promiscuous: boolean;
  /** IFF_ALLMULTI */
  allMulticast: boolean;
  /** IFF_MULTICAST: supports multicast. */
  multicast: boolean;
  /** IFF_LOWER_UP (Linux): the link layer is up (carrier). */
  lowerUp: boolean;
  /** IFF_DORMANT (Linux) */
  dormant: boolean;
  /** IFF_MASTER (Linux): a bonding master. */
  master: boolean;
  /** IFF_SLAVE (Linux): a bonding slave. */
  slave: boolean;
}

/** One address of an adapter. */
export interface AdapterAddress {
  /** The address's family. */
  family: 'ipv4' | 'ipv6';
  /** The address (IPv6 link-local ones carry the interface's scope id). */
  address: InetAddress;
  /** The netmask, as an address of the same family. */
  netmask: InetAddress | null;
  /** The netmask's prefix length (null when the mask is not contiguous or missing). */
  prefixLength: number | null;
  /** The broadcast address (IPv4, with the broadcast flag). */
  broadcast: InetAddress | null;
  /** The other end's address (point-to-point links). */
  peer: InetAddress | null;
}

/** One network adapter. */
export interface Adapter {
  /** The interface's name ('eth0'). */
  name: string;
  /** The interface's index. */
  index: number;
  /** The link type from the ARPHRD_* number: 'ethernet', 'loopback', 'none', ... or 'arphrd-N'. */
  type: string;
  /** 'up' when the flags say up, else 'down'. */
  status: 'up' | 'down';
  /** The IFF_* flags by name. */
  flags: AdapterFlags;
  /** The raw IFF_* bits (as getifaddrs reports them). */
  flagBits: number;
  /** The MTU, or null when it cannot be read. */
  mtu: number | null;
  /** The hardware address as lowercase hex pairs joined by ':' (null when it has none). */
  hardwareAddress: string | null;
  /** Every IPv4 and IPv6 address, in the system's order. */
  addresses: AdapterAddress[];
}

const IFF = dnsNative.interfaceConstants;

const FLAG_NAMES: [keyof AdapterFlags, string][] = [
  ['up', 'IFF_UP'],
  ['broadcast', 'IFF_BROADCAST'],
  ['debug', 'IFF_DEBUG'],
  ['loopback', 'IFF_LOOPBACK'],
  ['pointToPoint', 'IFF_POINTOPOINT'],
  ['running', 'IFF_RUNNING'],
  ['noArp', 'IFF_NOARP'],
  ['promiscuous', 'IFF_PROMISC'],
  ['allMulticast', 'IFF_ALLMULTI'],
  ['multicast', 'IFF_MULTICAST'],
  ['lowerUp', 'IFF_LOWER_UP'],
  ['dormant', 'IFF_DORMANT'],
  ['master', 'IFF_MASTER'],
  ['slave', 'IFF_SLAVE'],
];

// The common ARPHRD_* numbers of <net/if_arp.h>.
const LINK_TYPES = new Map<number, string>([
  [0, 'netrom'],
  [1, 'ethernet'],
  [6, 'ieee802'],
  [24, 'ieee1394'],
  [32, 'infiniband'],
  [512, 'ppp'],
  [513, 'cisco-hdlc'],
  [768, 'tunnel'],
  [769, 'tunnel6'],
  [772, 'loopback'],
  [776, 'sit'],
  [778, 'ipgre'],
  [801, 'ieee80211'],
  [803, 'ieee80211-radiotap'],
  [823, 'ip6gre'],
  [824, 'netlink'],
  [825, 'lowpan'],
  [65534, 'none'],
  [65535, 'void'],
]);

function decodeFlags(bits: number): AdapterFlags {
  const out = {} as AdapterFlags;
  for (const [name, c] of FLAG_NAMES) out[name] = IFF[c] !== undefined && (bits & IFF[c]) !== 0;
  return out;
}

function toAddress(raw: Sockaddr | null): InetAddress | null {
  if (!raw) return null;
  const [family, bytes, , scopeId] = raw;
  return family === 4 || family === 6 ? inetAddressFromBytes(bytes, scopeId) : null;
}

function prefixOf(raw: Sockaddr | null): number | null {
  if (!raw) return null;
  let n = 0;
  let ended = false;
  for (const byte of raw[1]) {
    for (let bit = 7; bit >= 0; bit--) {
      if (byte & (1 << bit)) {
        if (ended) return null;
        n++;
      } else {
        ended = true;
      }
    }
  }
  return n;
}

function readMtu(name: string): number | null {
  const r = dnsNative.interfaceMtu(name);
  if (r >= 0) return r;
  try {
    const text = readFileSync(`/sys/class/net/${name}/mtu`, 'latin1').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

function hexPairs(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * Every network adapter with its flags, MTU, hardware address and addresses (with netmask,
 * prefix length and broadcast or peer address), ordered by interface index. Interfaces
 * without addresses are listed too.
 */
export function listAdapters(): Adapter[] {
  const raw = dnsNative.getifaddrs();
  if (typeof raw === 'number') throw syscallError(raw, 'getifaddrs');
  const byName = new Map<string, Adapter>();
  for (const entry of raw) {
    let adapter = byName.get(entry.name);
    if (!adapter) {
      adapter = {
        name: entry.name,
        index: entry.index,
        type: 'unknown',
        status: 'down',
        flags: decodeFlags(entry.flags),
        flagBits: entry.flags,
        mtu: null,
        hardwareAddress: null,
        addresses: [],
      };
      byName.set(entry.name, adapter);
    }
    // The flags are the interface's, the same on every entry; the link entry's are freshest.
    if (entry.hardware !== undefined) {
      adapter.flagBits = entry.flags;
      adapter.flags = decodeFlags(entry.flags);
      adapter.hardwareAddress = entry.hardware.length > 0 ? hexPairs(entry.hardware) : null;
      const t = entry.hardwareType ?? -1;
      adapter.type = LINK_TYPES.get(t) ?? `arphrd-${t}`;
      if (entry.index > 0) adapter.index = entry.index;
      continue;
    }
    const address = toAddress(entry.address);
    if (!address) continue;
    const pointToPoint = IFF.IFF_POINTOPOINT !== undefined && (entry.flags & IFF.IFF_POINTOPOINT) !== 0;
    const hasBroadcast = IFF.IFF_BROADCAST !== undefined && (entry.flags & IFF.IFF_BROADCAST) !== 0;
    adapter.addresses.push({
      family: address.type,
      address,
      netmask: toAddress(entry.netmask),
      prefixLength: prefixOf(entry.netmask),
      broadcast: !pointToPoint && hasBroadcast ? toAddress(entry.broadAddr) : null,
      peer: pointToPoint ? toAddress(entry.broadAddr) : null,
    });
  }
  const list = [...byName.values()];
  for (const a of list) {
    a.status = a.flags.up ? 'up' : 'down';
    a.mtu = readMtu(a.name);
  }
  return list.sort((a, b) => a.index - b.index);
}
