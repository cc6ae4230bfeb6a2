/**
 * The addon (loaded by addon.ts) with its types, and the routing of its callbacks to the
 * handles' owners. Every module that uses handles imports the addon from here, so it has its
 * callbacks in place; only the interface-name resolver, which needs none, asks addon.ts itself.
 * @internal
 * @module
 */
import { viewOf } from './internal/buffers.js';
import { addon } from './addon.js';
import type { Sockaddr } from './internal/sockaddr.js';

/** A receive's result, recvfrom's and recvmsg's alike: the byte count, the msg_flags, the sender. */
export type Received = [bytes: number, msgFlags: number, ...sender: Sockaddr];

/**
 * A handle: one owned (or borrowed) fd and its single libuv poll watcher, known to JS by this
 * number (no object per socket). A closed handle's number names nothing: every call on it
 * answers -EBADF.
 */
export type FdHandle = number;

/** The handle calls. Negative results are -errno. */
export interface HandleCalls {
  /**
   * A handle for `fd` whose callbacks go to `owner`; closed if `owner` is collected first. With
   * a null owner (a probe used synchronously): no callbacks, open until closed. `ownSocket`:
   * the fd is one of iolib's sockets (non-blocking, and taken by epoll), so the handle may take
   * the watcher a closed socket kept for its fd number.
   */
  open(fd: number, owner: object | null, owned?: boolean, ownSocket?: boolean): FdHandle;
  fd(h: FdHandle): number;
  /** Events (UV_READABLE | UV_WRITABLE | UV_DISCONNECT) reported to onEvent. */
  setNotify(h: FdHandle, mask: number): number;
  /**
   * mode C.READ_BYTES (onRead), C.READ_MESSAGES or C.READ_RECORDS (seqpacket: with end of
   * stream; onMessages). Byte reads start at `chunk` bytes and may grow to `readMax` while
   * each fills (see GROWN_READ_SIZE).
   */
  readStart(h: FdHandle, mode: number, chunk: number, batch?: number, wantAddresses?: boolean, readMax?: number): number;
  readStop(h: FdHandle): number;
  close(h: FdHandle): number;
  /**
   * As close(), with close(2) itself on libuv's thread pool; answers a ticket that onClosed
   * reports once the fd is closed, or 0 when it was closed at once.
   */
  closeQueued(h: FdHandle): number;
  /** Whether the watcher keeps the event loop alive while it works (node:net's ref/unref). */
  setRef(h: FdHandle, ref: boolean): number;
  write(h: FdHandle, buf: Uint8Array): number;
  writev(h: FdHandle, chunks: Uint8Array[], from?: number): number;
  /**
   * Copies what fits of `chunks[from..]` into the handle's send ring (sent from libuv's thread
   * pool, one job at a time); answers the bytes copied or -errno. Each job's end is reported
   * through onWritten.
   */
  ringWrite(h: FdHandle, chunks: Uint8Array[], from?: number): number;
  /** After onWritten(-EAGAIN), once the fd is writable: sends what the ring holds. */
  ringFlush(h: FdHandle): number;
  bind(h: FdHandle, family: number, bytes: Uint8Array, port: number, scopeId: number): number;
  /** family 0 dissolves a datagram association (AF_UNSPEC). */
  connect(h: FdHandle, family: number, bytes: Uint8Array, port: number, scopeId: number): number;
  listen(h: FdHandle, backlog: number): number;
  accept(h: FdHandle): number;
  shutdown(h: FdHandle, how: number): number;
  getsockname(h: FdHandle): Sockaddr | number;
  getpeername(h: FdHandle): Sockaddr | number;
  getsockopt(h: FdHandle, level: number, name: number, size: number): Buffer | number;
  setsockopt(h: FdHandle, level: number, name: number, value: Uint8Array): number;
  sendto(h: FdHandle, buf: Uint8Array, start: number, end: number, flags: number, family?: number, bytes?: Uint8Array, port?: number, scopeId?: number): number;
  recvfrom(h: FdHandle, buf: Uint8Array, start: number, end: number, flags: number): Received | number;
  sendmsg(h: FdHandle, chunks: Uint8Array[], fds: number[], flags: number, family?: number, bytes?: Uint8Array, port?: number, scopeId?: number): number;
  /** recvfrom's fields, then the fds passed (close-on-exec). */
  recvmsg(h: FdHandle, buf: Uint8Array, start: number, end: number, flags: number): [...Received, fds: number[]] | number;
  /** With segments > 1, runs of addressless same-length messages leave as UDP_SEGMENT sends of up to that many. */
  sendBatch(h: FdHandle, bufs: Uint8Array[], addresses?: (Sockaddr | undefined)[], segments?: number): number;
}

/** The shared callbacks native code calls with `this` = the handle's owner. */
export interface NativeCallbacks {
  /**
   * One read: `pool[offset, offset + length)`, a region no later read reuses, with offset,
   * length and status in `readInfo[LONE_READ...]` (see setCallbacks).
   */
  onRead(this: any, pool: Buffer): void;
  /**
   * A datagram batch: payloads back to back in `pool` from `offset`; `info` holds (length,
   * flags) uint32 pairs, then, with `withAddresses`, one sender record per message. `info` is
   * reused by the next batch.
   */
  onMessages(this: any, pool: Buffer, offset: number, info: Buffer, count: number, status: number, withAddresses: boolean): void;
  /**
   * A loop turn's short byte reads, `from` on: the i-th went to `owners[i]` and is
   * `pool[readInfo[2i], readInfo[2i] + readInfo[2i + 1])`. Notes in readInfo[READ_PROGRESS] the
   * read it is dispatching (a handler that throws ends the call; the addon reports the
   * exception and calls again from the next read).
   */
  onReads(this: unknown, pool: Buffer, count: number, from: number, ...owners: any[]): void;
  onEvent(this: any, events: number): void;
  /**
   * A send ring's job ended: the bytes the ring still holds (a new job is sending them), or
   * -errno; -EAGAIN: the kernel is full, and the ring waits for ringFlush.
   */
  onWritten(this: any, result: number): void;
  /** Queued closes (closeQueued) are done up to `ticket`. Called with no owner. */
  onClosed(this: unknown, ticket: number): void;
}

/** The addon's exports. */
export interface Native {
  handle: HandleCalls;
  /**
   * Installs the callbacks; answers the area onRead and onReads read. readInfo holds the
   * batch's (offset, length) pairs, then its progress slot, then a lone read's offset, length
   * and status: its last four slots are READ_PROGRESS and LONE_READ's three.
   */
  setCallbacks(cbs: NativeCallbacks): { readInfo: Float64Array };
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number): [number, number] | number;
  adoptFd(fd: number): number;
  dupFd(fd: number): number;
  closeFd(fd: number): number;
  /** Whether an open iolib handle already owns `fd`. */
  fdOwned(fd: number): boolean;
  pollFd(fd: number, events: number): number;
  /** Slabs (read pools and send rings): [cached idle for reuse, held by live Buffers or rings]. */
  readPoolStats(): [idle: number, held: number];
  /** How long cached slabs may sit idle before they are freed (default 10 s). */
  setReadPoolTrimInterval(ms: number): void;
  /**
   * How long a closed handle's send ring, still sending the bytes of completed writes, waits
   * for one to leave before it gives up and closes the fd (default 10 s).
   */
  setRingDrainTimeout(ms: number): void;
  /** The index of the interface called `name` (if_nametoindex), or -errno (ENODEV/ENXIO: none). */
  ifNameToIndex(name: string): number;
  errnoName(errno: number): string | undefined;
  errnoMessage(errno: number): string;
  /** Every errno name the platform's <errno.h> defines (aliases too), to its number. */
  errnoNumbers: Readonly<Record<string, number>>;
  constants: Record<string, number>;
  [more: string]: unknown;
}

/** The loaded addon. */
export const native: Native = addon();

/** The handle calls (`H.write(h, buf)`). */
export const H = native.handle;

/** The constants every platform's addon exports: the library reads them without a check. */
const REQUIRED_CONSTANTS = [
  'AF_UNSPEC', 'AF_INET', 'AF_INET6', 'AF_UNIX',
  'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_SEQPACKET', 'SOCK_RAW',
  'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR', 'MSG_TRUNC', 'MSG_CTRUNC', 'SOMAXCONN',
  'SOL_SOCKET', 'IPPROTO_IP', 'IPPROTO_IPV6', 'IPPROTO_UDP',
  'SO_ACCEPTCONN', 'SO_BROADCAST', 'SO_ERROR', 'SO_TYPE',
  'IP_ADD_MEMBERSHIP', 'IP_DROP_MEMBERSHIP', 'IPV6_JOIN_GROUP', 'IPV6_LEAVE_GROUP',
  'POLLIN', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL', 'UV_READABLE', 'UV_WRITABLE',
  'EAGAIN', 'EAFNOSUPPORT', 'EBADF', 'ECONNREFUSED', 'EINPROGRESS', 'EINVAL', 'EIO', 'EMSGSIZE', 'ENODEV', 'ENOTCONN', 'ENOTSUP', 'ENXIO',
  'AI_CANONNAME', 'IF_NAMESIZE',
  'READ_BYTES', 'READ_MESSAGES', 'READ_RECORDS', 'READ_STATUS_END',
  'ADDR_RECORD_SIZE', 'ADDR_RECORD_FAMILY_OFFSET', 'ADDR_RECORD_LENGTH_OFFSET', 'ADDR_RECORD_PORT_OFFSET', 'ADDR_RECORD_SCOPE_OFFSET', 'ADDR_RECORD_ADDRESS_OFFSET',
] as const;

/** A constant the library names and every platform has. */
export type RequiredConstant = (typeof REQUIRED_CONSTANTS)[number];
/** Constants some platforms lack: their users check for undefined. */
export type OptionalConstant = 'UDP_SEGMENT' | 'SO_DOMAIN' | 'SO_PROTOCOL' | 'SO_PEERCRED';

/**
 * The platform constants (AF_INET, SOL_SOCKET, ...) and the native contract (READ_*,
 * ADDR_RECORD_*); other names (socket options looked up by name) may be absent.
 */
export interface Constants extends Readonly<Record<RequiredConstant, number>>, Readonly<Partial<Record<OptionalConstant, number>>> {
  readonly [name: string]: number | undefined;
}

/** The addon's constants, checked once: a required one missing fails the load, naming it. */
export function checkedConstants(constants: Record<string, number>): Constants {
  const missing = REQUIRED_CONSTANTS.filter((name) => typeof constants[name] !== 'number');
  if (missing.length > 0) throw new Error(`The native addon does not export the constants ${missing.join(', ')}: rebuild it (npm run build:native).`);
  return constants as Constants;
}

/** The platform constants and the native contract. */
export const C: Constants = checkedConstants(native.constants);

/** Callbacks waiting for queued closes, in ticket order (tickets only grow). */
const closeWaits: { ticket: number; fn: () => void }[] = [];

/** Runs `fn` once the close with `ticket` is done (at once for ticket 0). */
export function whenClosed(ticket: number, fn: () => void): void {
  if (ticket === 0) fn();
  else closeWaits.push({ ticket, fn });
}

// The addon calls these with `this` = the handle's owner: one shared function each, no
// per-socket closures.
const { readInfo } = native.setCallbacks({
  onRead(pool) {
    const length = readInfo[LONE_READ + 1]!;
    this._onNativeRead(length > 0 ? viewOf(pool, readInfo[LONE_READ]!, length) : null, readInfo[LONE_READ + 2]!);
  },
  onReads(pool, count, from, ...owners) {
    for (let i = from; i < count; i++) {
      readInfo[READ_PROGRESS] = i;
      owners[i]._onNativeRead(viewOf(pool, readInfo[2 * i]!, readInfo[2 * i + 1]!), 0);
    }
  },
  onMessages(pool, offset, info, count, status, withAddresses) {
    this._onNativeMessages(pool, offset, info, count, status, withAddresses);
  },
  onEvent(events) {
    this._onNativeEvent(events);
  },
  onWritten(result) {
    this._onNativeWritten(result);
  },
  onClosed(ticket) {
    let done = 0;
    while (done < closeWaits.length && closeWaits[done]!.ticket <= ticket) done++;
    for (const w of closeWaits.splice(0, done)) w.fn();
  },
});

/** readInfo's slots past the batch's pairs (see setCallbacks). */
const READ_PROGRESS = readInfo.length - 4;
const LONE_READ = readInfo.length - 3;
