/**
 * The socket option table (API.md 2.1) as data, and the typed getOption/setOption it drives.
 * Values are encoded here and handed to native getsockopt/setsockopt as bytes.
 * @module
 */
import { C } from '../native.js';
import type { FdHandle } from '../native.js';
import { SocketOptionNotSupportedError } from '../errors.js';
import { invalidArgType, invalidArgValue, outOfRange } from '../internal/validate.js';
import { checkData, check, errnoCode } from './syscall.js';

/** How an option's value is represented in JavaScript. */
export type SocketOptionValueType = 'boolean' | 'integer' | 'linger' | 'timeout' | 'socketType' | 'error';

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
  readonly type: SocketOptionValueType;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Families it applies to. */
  readonly families: readonly SocketOptionFamily[];
  /** Socket types it applies to. */
  readonly types: readonly SocketTypeName[];
}

/** `linger` option value. */
export interface Linger {
  onoff: boolean;
  /** seconds */
  linger: number;
}

/** What getOption returns. */
export type SocketOptionValue = boolean | number | Linger | string | null;

/** What the option code needs to know of a socket. */
export interface OptionTarget {
  readonly addressFamily: 'internet' | 'local';
  readonly ipv6: boolean;
  readonly type: SocketTypeName;
}

const ALL_FAMILIES: readonly SocketOptionFamily[] = ['ipv4', 'ipv6', 'local'];
const INET: readonly SocketOptionFamily[] = ['ipv4', 'ipv6'];
const ALL_TYPES: readonly SocketTypeName[] = ['stream', 'datagram', 'seqpacket', 'raw'];
const STREAM: readonly SocketTypeName[] = ['stream'];

function row(name: string, level: string, optname: string, type: SocketOptionValueType, access: 'rw' | 'r', families = ALL_FAMILIES, types = ALL_TYPES): SocketOptionInfo {
  return Object.freeze({ name, level, optname, type, readable: true, writable: access === 'rw', families, types });
}

const TABLE: readonly SocketOptionInfo[] = Object.freeze([
  row('reuseAddress', 'SOL_SOCKET', 'SO_REUSEADDR', 'boolean', 'rw'),
  row('keepAlive', 'SOL_SOCKET', 'SO_KEEPALIVE', 'boolean', 'rw'),
  row('broadcast', 'SOL_SOCKET', 'SO_BROADCAST', 'boolean', 'rw'),
  row('linger', 'SOL_SOCKET', 'SO_LINGER', 'linger', 'rw'),
  row('receiveBuffer', 'SOL_SOCKET', 'SO_RCVBUF', 'integer', 'rw'),
  row('sendBuffer', 'SOL_SOCKET', 'SO_SNDBUF', 'integer', 'rw'),
  row('receiveTimeout', 'SOL_SOCKET', 'SO_RCVTIMEO', 'timeout', 'rw'),
  row('sendTimeout', 'SOL_SOCKET', 'SO_SNDTIMEO', 'timeout', 'rw'),
  row('error', 'SOL_SOCKET', 'SO_ERROR', 'error', 'r'),
  row('type', 'SOL_SOCKET', 'SO_TYPE', 'socketType', 'r'),
  row('acceptConnections', 'SOL_SOCKET', 'SO_ACCEPTCONN', 'boolean', 'r'),
  row('tcpNodelay', 'IPPROTO_TCP', 'TCP_NODELAY', 'boolean', 'rw', INET, STREAM),
]);

const BY_NAME = new Map(TABLE.map((r) => [r.name, r]));

/** The whole option table. */
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

function ensureApplies(info: SocketOptionInfo, t: OptionTarget, syscall: string): void {
  const available = C[info.level] !== undefined && C[info.optname] !== undefined;
  if (!available || !info.families.includes(familyOf(t)) || !info.types.includes(t.type)) {
    throw new SocketOptionNotSupportedError('ENOPROTOOPT', syscall, `Option ${info.name} does not apply to a ${familyOf(t)} ${t.type} socket`);
  }
}

const TYPE_NAMES = new Map<number, SocketTypeName>([
  [C.SOCK_STREAM!, 'stream'], [C.SOCK_DGRAM!, 'datagram'], [C.SOCK_SEQPACKET!, 'seqpacket'], [C.SOCK_RAW!, 'raw'],
]);

function decode(info: SocketOptionInfo, buf: Buffer): SocketOptionValue {
  switch (info.type) {
    case 'boolean':
      return buf.readInt32LE(0) !== 0;
    case 'integer':
      return buf.readInt32LE(0);
    case 'linger':
      return { onoff: buf.readInt32LE(0) !== 0, linger: buf.readInt32LE(4) };
    case 'timeout':
      return Number(buf.readBigInt64LE(0)) * 1000 + Math.round(Number(buf.readBigInt64LE(8)) / 1000);
    case 'socketType':
      return TYPE_NAMES.get(buf.readInt32LE(0)) ?? String(buf.readInt32LE(0));
    case 'error': {
      const errno = buf.readInt32LE(0);
      return errno === 0 ? null : errnoCode(-errno);
    }
  }
}

const SIZES: Record<SocketOptionValueType, number> = { boolean: 4, integer: 4, linger: 8, timeout: 16, socketType: 4, error: 4 };

function encode(info: SocketOptionInfo, value: unknown): Buffer {
  const buf = Buffer.alloc(SIZES[info.type]);
  switch (info.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidArgType('value', `of type boolean for option ${info.name}`, value);
      buf.writeInt32LE(value ? 1 : 0, 0);
      break;
    case 'integer':
      if (typeof value !== 'number') throw invalidArgType('value', `of type number for option ${info.name}`, value);
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw outOfRange('value', 'a 32-bit integer', value);
      buf.writeInt32LE(value, 0);
      break;
    case 'linger': {
      const v = value as Partial<Linger> | null;
      if (v === null || typeof v !== 'object' || typeof v.onoff !== 'boolean' || typeof v.linger !== 'number') {
        throw invalidArgType('value', 'an object { onoff: boolean, linger: number } for option linger', value);
      }
      if (!Number.isInteger(v.linger) || v.linger < 0 || v.linger > 0x7fffffff) throw outOfRange('value.linger', 'an integer >= 0', v.linger);
      buf.writeInt32LE(v.onoff ? 1 : 0, 0);
      buf.writeInt32LE(v.linger, 4);
      break;
    }
    case 'timeout': {
      if (typeof value !== 'number') throw invalidArgType('value', `a number of milliseconds for option ${info.name}`, value);
      if (!Number.isFinite(value) || value < 0) throw outOfRange('value', 'a finite number >= 0', value);
      const ms = Math.round(value);
      buf.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
      buf.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
      break;
    }
    default:
      throw invalidArgValue('name', info.name, 'is a read-only socket option');
  }
  return buf;
}

/** Reads option `name` from a socket's fd. */
export function getSocketOption(handle: FdHandle, target: OptionTarget, name: string): SocketOptionValue {
  const info = lookupRow(name);
  ensureApplies(info, target, 'getsockopt');
  const buf = checkData(handle.getsockopt(C[info.level]!, C[info.optname]!, SIZES[info.type]), 'getsockopt');
  return decode(info, buf);
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
  check(handle.setsockopt(C[info.level]!, C[info.optname]!, bytes), 'setsockopt');
}
