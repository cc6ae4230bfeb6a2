/**
 * Local sockets' ancillary data: fd passing (SCM_RIGHTS) and peer credentials (SO_PEERCRED).
 * @internal
 * @module
 */
import type { Socket as NetSocket } from 'node:net';
import type { FileHandle } from 'node:fs/promises';
import { H, C, native } from '../native.js';
import { invalidArgType, outOfRange, validateObject, validateSignal, validateTimeout } from '../internal/validate.js';
import { checkData, failure, socketErrorFor } from './syscall.js';
import { decodeLocalPath, localSockaddr } from './sockaddr.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { spendTurn, waitedTurn } from './turns.js';
import { abortError, deadlineAfter, remaining } from '../internal/wait.js';
import { SocketClosedError } from '../errors.js';
import { Socket } from './kinds.js';
import type { ActiveSocketBase } from './active.js';

/** Something that has an fd: a number, one of our sockets, a node:net socket or a FileHandle. */
export type FdSource = number | { fd: number } | NetSocket | FileHandle | { _handle?: { fd?: number } | null };

/** Options of sendMessage. */
export interface SendMessageOptions {
  /**
   * Bytes to send. With fds on stream and seqpacket sockets at least one byte goes (a NUL when
   * empty): a zero-length seqpacket record would read as the end of the records.
   */
  data?: Uint8Array | string | undefined;
  /** fds to pass, each a number, socket or FileHandle. */
  fds?: FdSource[] | undefined;
  /** Datagram sockets: the destination's filename. */
  remoteFilename?: string | undefined;
  /** The destination name is in the abstract namespace. */
  abstract?: boolean | undefined;
  /** Give up after this many ms (PollTimeoutError). */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** Options of receiveMessage. */
export interface ReceiveMessageOptions {
  /** Largest payload to receive (default 65536). */
  size?: number | undefined;
  /** Most fds to keep (default 253); any beyond are closed at once and `truncated` is set. */
  maxFds?: number | undefined;
  /** Answer at once (null) instead of waiting. */
  dontWait?: boolean | undefined;
  /** Give up after this many ms (PollTimeoutError). */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** What receiveMessage resolves with. */
export interface ReceivedMessage {
  /** The bytes received. */
  data: Buffer;
  /** Received fds, close-on-exec, owned by the caller. */
  fds: number[];
  /** Payload or fds were cut short (MSG_TRUNC, MSG_CTRUNC, or more fds than maxFds). */
  truncated: boolean;
  /**
   * Fds were sent that did not arrive: the kernel dropped them (MSG_CTRUNC: no free fd here,
   * or no room for them), or they were beyond `maxFds` (and closed).
   */
  fdsTruncated: boolean;
  /** The sender's filename, when it has one. */
  filename?: string;
  /** The sender's name is in the abstract namespace. */
  abstract?: boolean;
}

/** Peer credentials of a local socket. */
export interface Credentials {
  /** The peer's process id. */
  pid: number;
  /** The peer's user id. */
  uid: number;
  /** The peer's group id. */
  gid: number;
}

/** The fd number of a designator. */
export function fdOf(source: FdSource, name = 'fd'): number {
  let fd: unknown = source;
  if (source !== null && typeof source === 'object') {
    // node:net sockets show their fd on their libuv handle.
    fd = 'fd' in source ? (source as { fd: unknown }).fd : (source as { _handle?: { fd?: number } | null })._handle?.fd;
  }
  if (typeof fd !== 'number') throw invalidArgType(name, 'an fd number, a socket or a FileHandle', source);
  // A closed socket of this library (fd -1) is the contract's closed-socket failure, as the multiplexer's.
  if (fd === -1 && source instanceof Socket) throw new SocketClosedError('sendmsg', `Socket is closed (${name})`);
  if (!Number.isInteger(fd) || fd < 0) throw outOfRange(name, 'an open fd (an integer >= 0)', fd);
  return fd;
}

const NUL = Buffer.alloc(1);

/** sendmsg with SCM_RIGHTS; resolves with the bytes sent. */
export async function sendMessage(socket: ActiveSocketBase, options: SendMessageOptions): Promise<number> {
  validateObject(options, 'options');
  validateTimeout(options.timeout, 'options.timeout');
  validateSignal(options.signal, 'options.signal');
  if (options.fds !== undefined && !Array.isArray(options.fds)) throw invalidArgType('options.fds', 'an array of fds', options.fds);
  const fds = (options.fds ?? []).map((f, i) => fdOf(f, `options.fds[${i}]`));
  if (fds.length > 253) throw outOfRange('options.fds', 'at most 253 fds', fds.length);
  let data = typeof options.data === 'string' ? Buffer.from(options.data) : options.data ?? Buffer.alloc(0);
  if (!(data instanceof Uint8Array)) throw invalidArgType('options.data', 'a Buffer or a string', options.data);
  if (data.length === 0 && fds.length > 0 && socket.type !== 'datagram') data = NUL;
  let target: Sockaddr | null = null;
  if (options.remoteFilename !== undefined) {
    if (typeof options.remoteFilename !== 'string') throw invalidArgType('options.remoteFilename', 'of type string', options.remoteFilename);
    target = localSockaddr(options.remoteFilename, options.abstract === true, 'options.remoteFilename');
  }
  if (options.signal?.aborted) throw abortError(options.signal);
  const deadline = deadlineAfter(options.timeout);
  // No await unless the send ring holds bytes: see sendTo.
  const turn = socket._sendTurn('sendmsg', remaining(deadline), options.signal, false);
  if (turn) await turn;
  const r = await socket._sendInOrder('sendmsg', deadline, options.signal, false, () => {
    const h = socket._open('sendmsg');
    return target ? H.sendmsg(h, [data], fds, 0, ...target) : H.sendmsg(h, [data], fds, 0);
  });
  if (r >= 0) return r;
  // The socket was open at the try (_open): EBADF is about an fd being passed.
  if (r === -C.EBADF && fds.length > 0) throw socketErrorFor('EBADF', 'sendmsg', `(options.fds: one of ${fds.join(', ')} is not an open file descriptor)`);
  throw failure(r, 'sendmsg');
}

/** recvmsg taking fds (close-on-exec); fds beyond maxFds are closed, never leaked. */
export async function receiveMessage(socket: ActiveSocketBase, options: ReceiveMessageOptions): Promise<ReceivedMessage | null> {
  validateObject(options, 'options');
  validateTimeout(options.timeout, 'options.timeout');
  validateSignal(options.signal, 'options.signal');
  const size = options.size ?? 65536;
  if (!Number.isInteger(size) || size < 0 || size > 0x40000000) throw outOfRange('options.size', 'an integer >= 0 and <= 2^30', size);
  const maxFds = options.maxFds ?? 253;
  if (!Number.isInteger(maxFds) || maxFds < 0) throw outOfRange('options.maxFds', 'an integer >= 0', maxFds);
  const buf = Buffer.allocUnsafe(size);
  for (;;) {
    const r = H.recvmsg(socket._open('recvmsg'), buf, 0, size, 0);
    if (typeof r !== 'number') {
      const [bytes, flags, family, addr, , , fds] = r;
      const kept = fds.slice(0, maxFds);
      for (const extra of fds.slice(maxFds)) native.closeFd(extra);
      const fdsTruncated = (flags & C.MSG_CTRUNC) !== 0 || fds.length > maxFds;
      const result: ReceivedMessage = {
        data: Buffer.from(buf.subarray(0, bytes)),
        fds: kept,
        truncated: (flags & C.MSG_TRUNC) !== 0 || fdsTruncated,
        fdsTruncated,
      };
      if (family === 1 && addr.length > 0) {
        const name = decodeLocalPath(addr);
        result.filename = name.filename;
        if (name.abstract) result.abstract = true;
      }
      await spendTurn(socket);
      return result;
    }
    if (r !== -C.EAGAIN) throw failure(r, 'recvmsg');
    if (options.dontWait) return null;
    waitedTurn(socket);
    await socket._waitReadable('recvmsg', options.timeout, options.signal);
  }
}

/** The peer's pid, uid and gid (SO_PEERCRED). */
export function peerCredentials(socket: ActiveSocketBase): Credentials {
  if (C.SO_PEERCRED === undefined) throw failure(-C.ENOTSUP, 'getsockopt');
  const buf = checkData<Buffer>(H.getsockopt(socket._open('getsockopt'), C.SOL_SOCKET, C.SO_PEERCRED, 12), 'getsockopt');
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}
