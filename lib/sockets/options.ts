/**
 * The socket option table (API.md 2.1) as data, and the typed getOption/setOption it drives.
 * Each row says where the option lives (level, optname), how its value looks in JavaScript,
 * whether it can be read and written, and which sockets it applies to. Values are encoded
 * here and handed to native getsockopt/setsockopt as bytes.
 * @module
 */
import { H, C } from '../native.js';
import type { FdHandle } from '../native.js';
import { Ipv4Address, ensureAddress } from '../address/index.js';
import { SocketClosedError, SocketOptionNotSupportedError } from '../errors.js';
import type { SocketError } from '../errors.js';
import { lookupInterface } from '../dns/interfaces.js';
import { invalidArgType, invalidArgValue, outOfRange, withArticle } from '../internal/validate.js';
import { failure } from './syscall.js';
import { errnoCode } from '../internal/errno.js';

/**
 * How an option's value is represented in JavaScript:
 * - `boolean`: true / false (a C int, 0 or 1)
 * - `integer`: a number (a C int); the row's `unit` says what it counts
 * - `linger`: `{ onoff: boolean, linger: number }`, linger in seconds
 * - `timeout`: milliseconds (a struct timeval); 0 means no timeout
 * - `socketType`: 'stream' | 'datagram' | 'seqpacket' | 'raw' (read-only)
 * - `error`: the pending error's errno code ('ECONNREFUSED') or null (read-only; reading clears it)
 * - `string`: an interface name (SO_BINDTODEVICE); null (or '') when unbound
 * - `credentials`: `{ pid, uid, gid }` (struct ucred; read-only)
 * - `ipv4Interface`: an Ipv4Address (IP_MULTICAST_IF); set with an address or dotted text
 * - `ipv6Interface`: an interface index (IPV6_MULTICAST_IF); set with an index, a name or
 *   an interface object; 0 means the default interface
 * - `icmpFilter`: a 32-bit mask, bit n set = drop ICMP type n (ICMP_FILTER)
 */
export type SocketOptionValueType =
  | 'boolean'
  | 'integer'
  | 'linger'
  | 'timeout'
  | 'socketType'
  | 'error'
  | 'string'
  | 'credentials'
  | 'ipv4Interface'
  | 'ipv6Interface'
  | 'icmpFilter';

/** The socket kinds an option applies to. */
export type SocketOptionFamily = 'ipv4' | 'ipv6' | 'local';
/** Socket types, as makeSocket names them. */
export type SocketTypeName = 'stream' | 'datagram' | 'seqpacket' | 'raw';

/** One row of the option table. */
export interface SocketOptionInfo {
  /** camelCase name, as getOption takes it. */
  readonly name: string;
  /** Protocol level's C name: 'SOL_SOCKET', 'IPPROTO_TCP', ... */
  readonly level: string;
  /** The option's C name: 'SO_REUSEADDR', ... */
  readonly optname: string;
  /** The value's type: 'boolean', 'integer', 'linger', 'credentials', ... */
  readonly type: SocketOptionValueType;
  /** getOption can read it. */
  readonly readable: boolean;
  /** setOption can set it. */
  readonly writable: boolean;
  /** Families it applies to. */
  readonly families: readonly SocketOptionFamily[];
  /** Socket types it applies to. */
  readonly types: readonly SocketTypeName[];
  /**
   * The socket protocols (names of the protocols database, as `socket.protocol` gives them)
   * it applies to; null for any.
   */
  readonly protocols: readonly string[] | null;
  /** What an integer counts: 'seconds', 'milliseconds', 'bytes', 'hops', ... */
  readonly unit?: string;
  /** The integers the option accepts, when it has a fixed range. */
  readonly range?: readonly [min: number, max: number];
}

/** `linger` option value. */
export interface Linger {
  /** SO_LINGER is on. */
  onoff: boolean;
  /** seconds */
  linger: number;
}

/** `peerCredentials` option value: the peer process's ids when it connected (struct ucred). */
export interface Credentials {
  pid: number;
  uid: number;
  gid: number;
}

/** What getOption returns. */
export type SocketOptionValue = boolean | number | Linger | Credentials | Ipv4Address | string | null;

/** What the option code needs to know of a socket. */
export interface OptionTarget {
  readonly addressFamily: 'internet' | 'local';
  readonly ipv6: boolean;
  readonly type: SocketTypeName;
  /** The protocol's name ('tcp', 'udp', 'icmp', ...), when known; rows with `protocols` check it. */
  readonly protocol?: string;
}

const ALL_FAMILIES: readonly SocketOptionFamily[] = Object.freeze(['ipv4', 'ipv6', 'local']);
const INET: readonly SocketOptionFamily[] = Object.freeze(['ipv4', 'ipv6']);
const IPV4: readonly SocketOptionFamily[] = Object.freeze(['ipv4']);
const IPV6: readonly SocketOptionFamily[] = Object.freeze(['ipv6']);
const LOCAL: readonly SocketOptionFamily[] = Object.freeze(['local']);
const ALL_TYPES: readonly SocketTypeName[] = Object.freeze(['stream', 'datagram', 'seqpacket', 'raw']);
const STREAM: readonly SocketTypeName[] = Object.freeze(['stream']);
const DGRAM_RAW: readonly SocketTypeName[] = Object.freeze(['datagram', 'raw']);
const RAW: readonly SocketTypeName[] = Object.freeze(['raw']);
const NOT_RAW: readonly SocketTypeName[] = Object.freeze(['stream', 'datagram', 'seqpacket']);
const TCP: readonly string[] = Object.freeze(['tcp']);
const ICMP: readonly string[] = Object.freeze(['icmp']);

interface RowExtras {
  protocols?: readonly string[];
  unit?: string;
  range?: readonly [number, number];
}

function row(
  name: string,
  level: string,
  optname: string,
  type: SocketOptionValueType,
  access: 'rw' | 'r',
  families = ALL_FAMILIES,
  types = ALL_TYPES,
  extras: RowExtras = {},
): SocketOptionInfo {
  const info: SocketOptionInfo = {
    name,
    level,
    optname,
    type,
    readable: true,
    writable: access === 'rw',
    families,
    types,
    protocols: extras.protocols ?? null,
    ...(extras.unit !== undefined ? { unit: extras.unit } : {}),
    ...(extras.range !== undefined ? { range: Object.freeze([...extras.range]) as unknown as readonly [number, number] } : {}),
  };
  return Object.freeze(info);
}

const INT32: readonly [number, number] = [-0x80000000, 0x7fffffff];
const NON_NEGATIVE: readonly [number, number] = [0, 0x7fffffff];
const tcp = (name: string, optname: string, type: SocketOptionValueType, extras: RowExtras = {}): SocketOptionInfo =>
  row(name, 'IPPROTO_TCP', optname, type, 'rw', INET, STREAM, { protocols: TCP, ...extras });

// Linux cannot change SO_SNDLOWAT (setsockopt answers ENOPROTOOPT): read-only there.
const SNDLOWAT_ACCESS = process.platform === 'linux' ? 'r' : 'rw';

const TABLE: readonly SocketOptionInfo[] = Object.freeze([
  // SOL_SOCKET: the socket layer, every kind of socket unless noted.
  row('reuseAddress', 'SOL_SOCKET', 'SO_REUSEADDR', 'boolean', 'rw'),
  row('reusePort', 'SOL_SOCKET', 'SO_REUSEPORT', 'boolean', 'rw', INET),
  row('keepAlive', 'SOL_SOCKET', 'SO_KEEPALIVE', 'boolean', 'rw'),
  row('broadcast', 'SOL_SOCKET', 'SO_BROADCAST', 'boolean', 'rw'),
  row('debug', 'SOL_SOCKET', 'SO_DEBUG', 'boolean', 'rw'),
  row('dontRoute', 'SOL_SOCKET', 'SO_DONTROUTE', 'boolean', 'rw'),
  row('oobInline', 'SOL_SOCKET', 'SO_OOBINLINE', 'boolean', 'rw'),
  row('linger', 'SOL_SOCKET', 'SO_LINGER', 'linger', 'rw'),
  row('receiveBuffer', 'SOL_SOCKET', 'SO_RCVBUF', 'integer', 'rw', ALL_FAMILIES, ALL_TYPES, { unit: 'bytes', range: NON_NEGATIVE }),
  row('sendBuffer', 'SOL_SOCKET', 'SO_SNDBUF', 'integer', 'rw', ALL_FAMILIES, ALL_TYPES, { unit: 'bytes', range: NON_NEGATIVE }),
  row('receiveLowWater', 'SOL_SOCKET', 'SO_RCVLOWAT', 'integer', 'rw', ALL_FAMILIES, ALL_TYPES, { unit: 'bytes', range: NON_NEGATIVE }),
  row('sendLowWater', 'SOL_SOCKET', 'SO_SNDLOWAT', 'integer', SNDLOWAT_ACCESS, ALL_FAMILIES, ALL_TYPES, { unit: 'bytes', range: NON_NEGATIVE }),
  row('receiveTimeout', 'SOL_SOCKET', 'SO_RCVTIMEO', 'timeout', 'rw', ALL_FAMILIES, ALL_TYPES, { unit: 'milliseconds' }),
  row('sendTimeout', 'SOL_SOCKET', 'SO_SNDTIMEO', 'timeout', 'rw', ALL_FAMILIES, ALL_TYPES, { unit: 'milliseconds' }),
  row('error', 'SOL_SOCKET', 'SO_ERROR', 'error', 'r'),
  row('type', 'SOL_SOCKET', 'SO_TYPE', 'socketType', 'r'),
  row('acceptConnections', 'SOL_SOCKET', 'SO_ACCEPTCONN', 'boolean', 'r'),
  row('bindToDevice', 'SOL_SOCKET', 'SO_BINDTODEVICE', 'string', 'rw', INET),
  row('priority', 'SOL_SOCKET', 'SO_PRIORITY', 'integer', 'rw', ALL_FAMILIES, ALL_TYPES, { range: NON_NEGATIVE }),
  row('passCredentials', 'SOL_SOCKET', 'SO_PASSCRED', 'boolean', 'rw', LOCAL),
  row('peerCredentials', 'SOL_SOCKET', 'SO_PEERCRED', 'credentials', 'r', LOCAL),
  // IPPROTO_TCP: TCP sockets.
  tcp('tcpNodelay', 'TCP_NODELAY', 'boolean'),
  tcp('tcpMaxSegment', 'TCP_MAXSEG', 'integer', { unit: 'bytes', range: NON_NEGATIVE }),
  tcp('tcpCork', 'TCP_CORK', 'boolean'),
  tcp('tcpKeepIdle', 'TCP_KEEPIDLE', 'integer', { unit: 'seconds', range: [1, 32767] }),
  tcp('tcpKeepInterval', 'TCP_KEEPINTVL', 'integer', { unit: 'seconds', range: [1, 32767] }),
  tcp('tcpKeepCount', 'TCP_KEEPCNT', 'integer', { unit: 'probes', range: [1, 127] }),
  tcp('tcpUserTimeout', 'TCP_USER_TIMEOUT', 'integer', { unit: 'milliseconds', range: NON_NEGATIVE }),
  tcp('tcpQuickAck', 'TCP_QUICKACK', 'boolean'),
  tcp('tcpDeferAccept', 'TCP_DEFER_ACCEPT', 'integer', { unit: 'seconds', range: NON_NEGATIVE }),
  tcp('tcpFastOpen', 'TCP_FASTOPEN', 'integer', { unit: 'queue length', range: NON_NEGATIVE }),
  tcp('tcpLinger2', 'TCP_LINGER2', 'integer', { unit: 'seconds', range: [-1, 0x7fffffff] }),
  tcp('tcpSynCount', 'TCP_SYNCNT', 'integer', { unit: 'retransmits', range: [1, 127] }),
  tcp('tcpWindowClamp', 'TCP_WINDOW_CLAMP', 'integer', { unit: 'bytes', range: NON_NEGATIVE }),
  // IPPROTO_IP: IPv4 sockets.
  row('ipTtl', 'IPPROTO_IP', 'IP_TTL', 'integer', 'rw', IPV4, ALL_TYPES, { unit: 'hops', range: [-1, 255] }),
  row('ipTos', 'IPPROTO_IP', 'IP_TOS', 'integer', 'rw', IPV4, ALL_TYPES, { range: [0, 255] }),
  row('ipMulticastTtl', 'IPPROTO_IP', 'IP_MULTICAST_TTL', 'integer', 'rw', IPV4, DGRAM_RAW, { unit: 'hops', range: [-1, 255] }),
  row('ipMulticastLoop', 'IPPROTO_IP', 'IP_MULTICAST_LOOP', 'boolean', 'rw', IPV4, DGRAM_RAW),
  row('ipMulticastInterface', 'IPPROTO_IP', 'IP_MULTICAST_IF', 'ipv4Interface', 'rw', IPV4, DGRAM_RAW),
  row('ipHeaderInclude', 'IPPROTO_IP', 'IP_HDRINCL', 'boolean', 'rw', IPV4, RAW),
  row('ipReceiveError', 'IPPROTO_IP', 'IP_RECVERR', 'boolean', 'rw', IPV4),
  // IPPROTO_IPV6: IPv6 sockets.
  // A raw socket is bound to its protocol from the start: Linux refuses IPV6_V6ONLY (EINVAL).
  row('ipv6V6Only', 'IPPROTO_IPV6', 'IPV6_V6ONLY', 'boolean', 'rw', IPV6, NOT_RAW),
  row('ipv6UnicastHops', 'IPPROTO_IPV6', 'IPV6_UNICAST_HOPS', 'integer', 'rw', IPV6, ALL_TYPES, { unit: 'hops', range: [-1, 255] }),
  row('ipv6MulticastHops', 'IPPROTO_IPV6', 'IPV6_MULTICAST_HOPS', 'integer', 'rw', IPV6, DGRAM_RAW, { unit: 'hops', range: [-1, 255] }),
  row('ipv6MulticastLoop', 'IPPROTO_IPV6', 'IPV6_MULTICAST_LOOP', 'boolean', 'rw', IPV6, DGRAM_RAW),
  row('ipv6MulticastInterface', 'IPPROTO_IPV6', 'IPV6_MULTICAST_IF', 'ipv6Interface', 'rw', IPV6, DGRAM_RAW),
  // SOL_RAW (= IPPROTO_RAW): raw ICMP sockets.
  row('icmpFilter', 'IPPROTO_RAW', 'ICMP_FILTER', 'icmpFilter', 'rw', IPV4, RAW, { protocols: ICMP }),
]);

const BY_NAME = new Map(TABLE.map((r) => [r.name, r]));

/** The whole option table: one frozen row per option, in a stable order. */
export function listSocketOptions(): readonly SocketOptionInfo[] {
  return TABLE;
}

function lookupRow(name: unknown): SocketOptionInfo {
  if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name);
  const info = BY_NAME.get(name);
  if (!info) throw invalidArgValue('name', name, 'is not a known socket option');
  return info;
}

function familyOf(t: OptionTarget): SocketOptionFamily {
  return t.addressFamily === 'local' ? 'local' : t.ipv6 ? 'ipv6' : 'ipv4';
}

function describeTarget(t: OptionTarget): string {
  return `${familyOf(t)} ${t.type}${t.protocol !== undefined && t.protocol !== 'default' ? ` (${t.protocol})` : ''} socket`;
}

/**
 * True when option row `info` applies to socket kind `t` (and the platform has the option).
 */
export function socketOptionApplies(info: SocketOptionInfo, t: OptionTarget): boolean {
  if (C[info.level] === undefined || C[info.optname] === undefined) return false;
  if (!info.families.includes(familyOf(t)) || !info.types.includes(t.type)) return false;
  if (info.protocols !== null && t.protocol !== undefined && t.protocol !== 'default' && !info.protocols.includes(t.protocol)) return false;
  return true;
}

function ensureApplies(info: SocketOptionInfo, t: OptionTarget, syscall: string): void {
  if (!socketOptionApplies(info, t)) {
    throw new SocketOptionNotSupportedError('ENOPROTOOPT', syscall, `Option ${info.name} does not apply to ${withArticle(describeTarget(t))}`);
  }
}

const TYPE_NAMES = new Map<number, SocketTypeName>([
  [C.SOCK_STREAM, 'stream'], [C.SOCK_DGRAM, 'datagram'], [C.SOCK_SEQPACKET, 'seqpacket'], [C.SOCK_RAW, 'raw'],
]);

/** Bytes getsockopt is given for each value type. */
const SIZES: Record<SocketOptionValueType, number> = {
  boolean: 4,
  integer: 4,
  linger: 8,
  timeout: 16,
  socketType: 4,
  error: 4,
  string: C.IF_NAMESIZE + 1,
  credentials: 12,
  ipv4Interface: 4,
  ipv6Interface: 4,
  icmpFilter: 4,
};

function decode(info: SocketOptionInfo, buf: Buffer): SocketOptionValue {
  const int = (at = 0): number => (buf.length >= at + 4 ? buf.readInt32LE(at) : buf.length > at ? buf[at]! : 0);
  switch (info.type) {
    case 'boolean':
      // Some IP options (IP_MULTICAST_LOOP, IP_MULTICAST_TTL) may answer a single byte.
      return int() !== 0;
    case 'integer':
      return int();
    case 'linger':
      return { onoff: int(0) !== 0, linger: int(4) };
    case 'timeout':
      return Number(buf.readBigInt64LE(0)) * 1000 + Math.round(Number(buf.readBigInt64LE(8)) / 1000);
    case 'socketType':
      return TYPE_NAMES.get(int()) ?? String(int());
    case 'error': {
      const errno = int();
      return errno === 0 ? null : errnoCode(-errno);
    }
    case 'string': {
      const end = buf.indexOf(0);
      const text = buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
      return text === '' ? null : text;
    }
    case 'credentials':
      return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
    case 'ipv4Interface':
      return new Ipv4Address(new Uint8Array(buf.subarray(0, 4)));
    case 'ipv6Interface':
      return buf.readUInt32LE(0);
    case 'icmpFilter':
      return buf.readUInt32LE(0);
  }
}

function expectInteger(info: SocketOptionInfo, value: unknown, [min, max] = info.range ?? INT32): number {
  if (typeof value !== 'number') throw invalidArgType('value', `of type number for option ${info.name}`, value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange('value', `an integer >= ${min} and <= ${max} for option ${info.name}`, value);
  return value;
}

function encode(info: SocketOptionInfo, value: unknown): Buffer {
  switch (info.type) {
    case 'boolean': {
      if (typeof value !== 'boolean') throw invalidArgType('value', `of type boolean for option ${info.name}`, value);
      const buf = Buffer.alloc(4);
      buf.writeInt32LE(value ? 1 : 0, 0);
      return buf;
    }
    case 'integer': {
      const buf = Buffer.alloc(4);
      buf.writeInt32LE(expectInteger(info, value), 0);
      return buf;
    }
    case 'linger': {
      const v = value as Partial<Linger> | null;
      if (v === null || typeof v !== 'object' || typeof v.onoff !== 'boolean' || typeof v.linger !== 'number') {
        throw invalidArgType('value', 'an object { onoff: boolean, linger: number } for option linger', value);
      }
      if (!Number.isInteger(v.linger) || v.linger < 0 || v.linger > 0x7fffffff) throw outOfRange('value.linger', 'an integer >= 0', v.linger);
      const buf = Buffer.alloc(8);
      buf.writeInt32LE(v.onoff ? 1 : 0, 0);
      buf.writeInt32LE(v.linger, 4);
      return buf;
    }
    case 'timeout': {
      if (typeof value !== 'number') throw invalidArgType('value', `a number of milliseconds for option ${info.name}`, value);
      if (!Number.isFinite(value) || value < 0) throw outOfRange('value', 'a finite number >= 0', value);
      const ms = Math.round(value);
      const buf = Buffer.alloc(16);
      buf.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
      buf.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
      return buf;
    }
    case 'string': {
      // An interface name (or an interface object); null or '' unbinds.
      let name: unknown = value;
      if (value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') name = (value as { name: string }).name;
      if (name === null) name = '';
      if (typeof name !== 'string') throw invalidArgType('value', `an interface name or null for option ${info.name}`, value);
      const bytes = Buffer.from(name, 'utf8');
      if (bytes.length >= C.IF_NAMESIZE || bytes.includes(0)) throw invalidArgValue('value', value, `is not a valid interface name for option ${info.name}`);
      return bytes;
    }
    case 'ipv4Interface': {
      // An Ipv4Address or IPv4 text; null means "the default" (INADDR_ANY).
      if (value === null) return Buffer.alloc(4);
      if (!(value instanceof Ipv4Address) && typeof value !== 'string') {
        throw invalidArgType('value', `an Ipv4Address, IPv4 text or null for option ${info.name}`, value);
      }
      const address = value instanceof Ipv4Address ? value : ensureAddress(value, { errorp: false });
      if (!(address instanceof Ipv4Address)) throw invalidArgValue('value', value, `is not an IPv4 address for option ${info.name}`);
      return Buffer.from(address.name);
    }
    case 'ipv6Interface': {
      // An interface index, name or object; 0 or null means "the default".
      let index: number;
      if (value === null) index = 0;
      else if (typeof value === 'number') index = expectInteger(info, value, [0, 0x7fffffff]);
      else if (typeof value === 'string' || (typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string')) {
        index = lookupInterface(typeof value === 'string' ? value : (value as { name: string }).name).index;
      } else {
        throw invalidArgType('value', `an interface index, name or null for option ${info.name}`, value);
      }
      const buf = Buffer.alloc(4);
      buf.writeUInt32LE(index, 0);
      return buf;
    }
    case 'icmpFilter': {
      if (typeof value !== 'number') throw invalidArgType('value', `a 32-bit mask for option ${info.name}`, value);
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw outOfRange('value', 'an integer >= 0 and <= 4294967295', value);
      const buf = Buffer.alloc(4);
      buf.writeUInt32LE(value, 0);
      return buf;
    }
    default:
      throw invalidArgValue('name', info.name, 'is a read-only socket option');
  }
}

/** The typed error of a failed getsockopt/setsockopt: an unsupported option is SocketOptionNotSupportedError. */
function optionFailure(result: number, syscall: string, info: SocketOptionInfo, t: OptionTarget): SocketError {
  const code = errnoCode(result);
  if (code === 'ENOPROTOOPT' || code === 'EOPNOTSUPP') {
    return new SocketOptionNotSupportedError(code, syscall, `${syscall} ${code}: option ${info.name} is not supported on this ${describeTarget(t)}`);
  }
  const err = failure(result, syscall);
  // Other kernel refusals (EINVAL for a value out of its range, ENODEV...) name the option too.
  if (!(err instanceof SocketClosedError)) err.message += ` (option ${info.name})`;
  return err;
}

/** Reads option `name` from a socket's fd. */
export function getSocketOption(handle: FdHandle, target: OptionTarget, name: string): SocketOptionValue {
  const info = lookupRow(name);
  ensureApplies(info, target, 'getsockopt');
  const result = H.getsockopt(handle, C[info.level]!, C[info.optname]!, SIZES[info.type]);
  if (typeof result === 'number') {
    if (result < 0) throw optionFailure(result, 'getsockopt', info, target);
    throw new TypeError(`getsockopt answered ${result}`);
  }
  return decode(info, result);
}

/** Validates option `name` and `value` before any system call (read-only options refuse). */
export function encodeSocketOption(target: OptionTarget, name: string, value: unknown): { info: SocketOptionInfo; bytes: Buffer } {
  const info = lookupRow(name);
  if (!info.writable) throw invalidArgValue('name', name, 'is a read-only socket option');
  ensureApplies(info, target, 'setsockopt');
  return { info, bytes: encode(info, value) };
}

/** Sets option `name` on a socket's fd. */
export function setSocketOption(handle: FdHandle, target: OptionTarget, name: string, value: unknown): void {
  const { info, bytes } = encodeSocketOption(target, name, value);
  const result = H.setsockopt(handle, C[info.level]!, C[info.optname]!, bytes);
  if (result < 0) throw optionFailure(result, 'setsockopt', info, target);
}

/**
 * An option outside the table, by number, as getsockopt(2) and setsockopt(2) name it (the
 * form Python's socket module and Rust's socket2 also take).
 */
export interface RawSocketOption {
  /** The protocol level (SOL_SOCKET, IPPROTO_TCP, ...). */
  level: number;
  /** The option's number at that level. */
  option: number;
  /** getOption: answer the option's bytes, at most this many (1 to 65536), instead of a C int. */
  size?: number;
}

function validateRaw(spec: RawSocketOption, withSize: boolean): void {
  for (const key of ['level', 'option'] as const) {
    const v = spec[key];
    if (typeof v !== 'number') throw invalidArgType(`name.${key}`, 'of type number', v);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw outOfRange(`name.${key}`, 'an integer >= 0 and <= 2^31 - 1', v);
  }
  if (!withSize && spec.size !== undefined) throw invalidArgValue('name.size', spec.size, 'is for getOption only');
  if (spec.size !== undefined) {
    if (typeof spec.size !== 'number') throw invalidArgType('name.size', 'of type number', spec.size);
    if (!Number.isInteger(spec.size) || spec.size < 1 || spec.size > 65536) throw outOfRange('name.size', 'an integer >= 1 and <= 65536', spec.size);
  }
}

/** getsockopt(2) of a raw option: a C int as a number, or with `size` the option's bytes. */
export function getRawSocketOption(handle: FdHandle, spec: RawSocketOption): number | Buffer {
  validateRaw(spec, true);
  const result = H.getsockopt(handle, spec.level, spec.option, spec.size ?? 4);
  if (typeof result === 'number') throw failure(result < 0 ? result : -C.EINVAL, 'getsockopt');
  if (spec.size !== undefined) return result;
  if (result.length !== 4) throw invalidArgValue('name', spec, `answers ${result.length} bytes, not a C int: give a size`);
  return result.readInt32LE(0);
}

/** setsockopt(2) of a raw option: a number goes as a C int, bytes as they are. */
export function setRawSocketOption(handle: FdHandle, spec: RawSocketOption, value: unknown): void {
  validateRaw(spec, false);
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw outOfRange('value', 'a 32-bit integer', value);
    bytes = Buffer.alloc(4);
    (bytes as Buffer).writeInt32LE(value, 0);
  } else if (value instanceof Uint8Array) {
    bytes = value;
  } else {
    throw invalidArgType('value', 'a number (a C int) or a Buffer', value);
  }
  const r = H.setsockopt(handle, spec.level, spec.option, bytes);
  if (r < 0) throw failure(r, 'setsockopt');
}
