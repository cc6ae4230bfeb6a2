/**
 * Message sockets (datagram, seqpacket, raw): object-mode Duplex streams whose chunks are
 * whole messages. Reads arrive in recvmmsg batches; writes that queue up in one tick leave in
 * one sendmmsg.
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { nextTick } from 'node:process';
import { H, C, native, type FdHandle } from '../native.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { viewOf } from '../internal/buffers.js';
import { InetAddress } from '../address/index.js';
import { invalidArgType } from '../internal/validate.js';
import { ActiveSocketBase, sendBackoffMs, type ActiveStreamOptions, type ConnectOptions } from './active.js';
import type { Listener } from './core.js';
import { failure } from './syscall.js';
import { decodeLocalPath, inetAddressFromBytes, localSockaddr, type InetName, type LocalName } from './sockaddr.js';
import { literalHost, resolveHost, resolvePort, type HostDesignator, type PortDesignator } from './resolve.js';

/** A message read from, or written to, a message socket. */
export interface Message {
  /** The message. */
  data: Buffer;
  /** The sender's address (internet sockets). */
  host?: InetAddress;
  /** The sender's port (internet sockets). */
  port?: number;
  /** The sender's name (local sockets), when it has one. */
  filename?: string;
  /** Local sockets: the name is in the abstract namespace (the sender's when read, the destination's when written). */
  abstract?: boolean;
  /** The message was longer than inputBufferSize and was cut (reads only). */
  truncated?: boolean;
}

/** What may be written: a Buffer for the connected peer, or a message with its destination. */
export type MessageChunk = Uint8Array | { data: Uint8Array | string; host?: HostDesignator; port?: PortDesignator; filename?: string; abstract?: boolean };

const READ_MESSAGES = C.READ_MESSAGES;
const READ_RECORDS = C.READ_RECORDS;
const STATUS_END = C.READ_STATUS_END;
const BATCH = 64;
/** Datagrams per UDP_SEGMENT send: UDP_MAX_SEGMENTS of the Linux versions that have it. */
const GSO_SEGMENTS = 64;
// The sender record's layout (native/iolib.h, kAddrRecord*): byte offsets, and word indexes
// of the 32-bit fields (the record and those fields are word-aligned).
const RECORD_WORDS = C.ADDR_RECORD_SIZE / 4;
const FAMILY_AT = C.ADDR_RECORD_FAMILY_OFFSET;
const LENGTH_AT = C.ADDR_RECORD_LENGTH_OFFSET;
const PORT_AT = C.ADDR_RECORD_PORT_OFFSET;
const ADDRESS_AT = C.ADDR_RECORD_ADDRESS_OFFSET;
const SCOPE_WORD = C.ADDR_RECORD_SCOPE_OFFSET / 4;
const ADDRESS_WORD = ADDRESS_AT / 4;
const MSG_TRUNC = C.MSG_TRUNC;

type WriteCallback = (error?: Error | null) => void;
type Target = Sockaddr | undefined;

/** A message socket's chunks read are typed as what they are: one Message each. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface MessageActiveBase {
  /** Readable's `read`: the next message, or null. */
  read(size?: number): Message | null;
  /** Iterates the messages read, one Message each. */
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<Message>;
  /** Readable's `iterator`: the messages read, one Message each. */
  iterator(options?: { destroyOnReturn?: boolean }): NodeJS.AsyncIterator<Message>;
  /** EventEmitter's `on` for `'data'`: one Message each; returns the socket. */
  on(event: 'data', listener: (message: Message) => void): this;
  /** EventEmitter's `on`, for any other event; returns the socket. */
  on(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `once` for `'data'`: one Message each; returns the socket. */
  once(event: 'data', listener: (message: Message) => void): this;
  /** EventEmitter's `once`, for any other event; returns the socket. */
  once(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `addListener` for `'data'`: one Message each; returns the socket. */
  addListener(event: 'data', listener: (message: Message) => void): this;
  /** EventEmitter's `addListener`, for any other event; returns the socket. */
  addListener(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `prependListener` for `'data'`: one Message each; returns the socket. */
  prependListener(event: 'data', listener: (message: Message) => void): this;
  /** EventEmitter's `prependListener`, for any other event; returns the socket. */
  prependListener(event: string | symbol, listener: Listener): this;
}

/** Pushes `rest[from..]` (what a throwing handler left of a batch), again past any throw. */
function pushRest(socket: MessageActiveBase, rest: Message[], from: number, status: number): void {
  let more = true;
  let j = from;
  try {
    for (; j < rest.length; j++) more = socket.push(rest[j]);
  } finally {
    if (j < rest.length) process.nextTick(pushRest, socket, rest, j + 1, status);
  }
  socket._afterMessages(more, status);
}

/** Message-mode active sockets. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class MessageActiveBase extends ActiveSocketBase {
  /** @internal Retries so far of a send the peer had no room for (see sendBackoffMs). */
  _sendBackoff = 0;
  /** @internal The peer of a connected socket, cached for messages read. */
  _peerName: InetName | LocalName | null = null;
  /** @internal Last sender seen, so a burst from one peer shares one address object. */
  _lastHost: InetAddress | null = null;
  /** @internal Its record: family and length, scope, address words. */
  _lastHostKey: Uint32Array | null = null;
  /** @internal Raw sockets: the address connected to (getpeername answers ENOTCONN for them). */
  _rawPeer: InetName | null = null;
  /** @internal Datagrams per segmented send to the connected peer (0: one send each); null until known. */
  _segments: number | null = null;

  /** @internal */
  constructor(options: ActiveStreamOptions) {
    super(true, options);
  }

  override async _connectRaw(sa: Sockaddr, deadline: number | undefined, options: ConnectOptions): Promise<void> {
    // Known before the connect completes: _onConnected reads it through _peer().
    const [family, bytes, port, scopeId] = sa;
    if (this._kind.type === 'raw' && (family === 4 || family === 6)) this._rawPeer = { host: inetAddressFromBytes(bytes, scopeId), port };
    try {
      await super._connectRaw(sa, deadline, options);
    } catch (err) {
      this._rawPeer = null;
      throw err;
    }
  }

  override _peer(): InetName | LocalName | null {
    const peer = super._peer();
    return peer ?? (this._rawPeer && this.isOpen() ? this._rawPeer : null);
  }

  /** The peer's address; a connected raw socket's is the one it connected to (the kernel does not tell it). */
  override remoteName(): InetName | LocalName {
    if (this._rawPeer && this.isOpen()) return this._rawPeer;
    return super.remoteName();
  }

  override _onConnected(): void {
    this._peerName = this._peer();
    this._segments = null;
    if (this._reading) {
      this._reading = false;
      this._read();
    }
  }

  /**
   * Dissolves a datagram socket's association with its peer; nothing on a socket that has
   * none (Linux would also release a kernel-chosen local port).
   */
  disconnect(): this {
    const h = this._open('connect');
    if (!this.isConnected()) return this;
    const r = H.connect(h, 0, new Uint8Array(0), 0, 0);
    // Linux answers AF_UNSPEC on an unconnected socket with success; some kernels EAFNOSUPPORT.
    if (r < 0 && r !== -C.EAFNOSUPPORT) throw failure(r, 'connect');
    this._peerName = null;
    this._rawPeer = null;
    this._segments = null;
    if (this._reading) {
      this._reading = false;
      this._read();
    }
    return this;
  }

  override _read(): void {
    const mode = this._kind.type === 'seqpacket' ? READ_RECORDS : READ_MESSAGES;
    this._startReading(mode, BATCH, this._peerName === null, 'recvmsg');
  }

  /** @internal A batch of messages from the native watcher (see NativeCallbacks.onMessages). */
  _onNativeMessages(pool: Buffer, offset: number, info: Buffer, count: number, status: number, withAddresses: boolean): void {
    const words = wordsOf(info);
    let at = offset;
    let more = true;
    if (count > 0) {
      this._touch();
      this._skipReadAhead();
    }
    let i = 0;
    try {
      for (; i < count; i++) {
        const len = words[2 * i]!;
        const msg = this._messageAt(viewOf(pool, at, len), info, words, i, count, withAddresses);
        at += len;
        more = this.push(msg);
      }
    } finally {
      // A 'data' handler threw (the exception goes on to the process): the batch's other
      // messages still arrive, after it, as node:dgram's would. `info` is the next batch's
      // soon, so they are made now.
      if (i < count) {
        const rest: Message[] = [];
        for (let j = i + 1; j < count; j++) {
          const len = words[2 * j]!;
          rest.push(this._messageAt(viewOf(pool, at, len), info, words, j, count, withAddresses));
          at += len;
        }
        process.nextTick(pushRest, this, rest, 0, status);
      }
    }
    this._afterMessages(more, status);
  }

  /** @internal The i-th message of a batch of `count`, its payload `data`. */
  _messageAt(data: Buffer, info: Buffer, words: Uint32Array, i: number, count: number, withAddresses: boolean): Message {
    const msg = withAddresses ? this._messageFrom(data, info, words, 2 * count + RECORD_WORDS * i) : this._peerMessage(data);
    if (words[2 * i + 1]! & MSG_TRUNC) msg.truncated = true;
    return msg;
  }

  /** @internal After a batch: backpressure, then the end or the error that came with it. */
  _afterMessages(more: boolean, status: number): void {
    if (!more) this._stopReading();
    if (status === STATUS_END) {
      this._stopReading();
      this.push(null);
    } else if (status < 0) {
      // A connected datagram socket hears ICMP errors for earlier sends here; the next send
      // reports them, so reading goes on.
      if (this._kind.type === 'datagram' && status === -C.ECONNREFUSED) return;
      this._stopReading();
      this.destroy(failure(status, 'recvmsg'));
    }
  }

  /** @internal A message with its sender, from the packed record at word `w` of `info`. */
  _messageFrom(data: Buffer, info: Buffer, words: Uint32Array, w: number): Message {
    const at = 4 * w;
    const family = info[at + FAMILY_AT]!;
    if (family === 4 || family === 6) return { data, host: this._senderHost(info, words, w), port: (info[at + PORT_AT]! << 8) | info[at + PORT_AT + 1]! };
    if (family === 1) {
      const name = decodeLocalPath(info.subarray(at + ADDRESS_AT, at + ADDRESS_AT + info[at + LENGTH_AT]!));
      return name.abstract ? { data, filename: name.filename, abstract: true } : { data, filename: name.filename };
    }
    return this._peerMessage(data);
  }

  /** @internal The sender's address: a burst from one peer shares one InetAddress. */
  _senderHost(info: Buffer, words: Uint32Array, w: number): InetAddress {
    const at = 4 * w;
    const n = info[at + LENGTH_AT]!;
    const head = info[at + FAMILY_AT]! | (n << 8);
    const scope = words[w + SCOPE_WORD]!;
    const a = w + ADDRESS_WORD;
    const key = this._lastHostKey;
    if (key !== null && key[0] === head && key[1] === scope && key[2] === words[a] && (n === 4 || (key[3] === words[a + 1] && key[4] === words[a + 2] && key[5] === words[a + 3]))) {
      return this._lastHost!;
    }
    const fresh = new Uint32Array(6);
    fresh[0] = head;
    fresh[1] = scope;
    for (let i = 0; i < n / 4; i++) fresh[2 + i] = words[a + i]!;
    this._lastHostKey = fresh;
    return (this._lastHost = inetAddressFromBytes(info.subarray(at + ADDRESS_AT, at + ADDRESS_AT + n), scope));
  }

  /** @internal A message from the connected peer. */
  _peerMessage(data: Buffer): Message {
    const peer = this._peerName;
    if (peer === null) return { data };
    if ('host' in peer) return { data, host: peer.host, port: peer.port };
    if (!peer.filename) return { data };
    return peer.abstract ? { data, filename: peer.filename, abstract: true } : { data, filename: peer.filename };
  }

  override _write(chunk: MessageChunk, _encoding: BufferEncoding, callback: WriteCallback): void {
    // Completing on the next tick lets the writes made meanwhile gather in the stream's buffer
    // and leave together through _writev: one sendmmsg.
    const done = this._writeCallback(callback);
    this._writeBatch([chunk], (err) => nextTick(done, err));
  }

  override _writev(chunks: { chunk: MessageChunk }[], callback: WriteCallback): void {
    this._writeBatch(chunks.map((c) => c.chunk), this._writeCallback(callback));
  }

  /**
   * A message whose address is malformed (a bad or missing port, a host where a filename
   * belongs) fails its own write with a TypeError or RangeError, thrown here as node:dgram's
   * send() does, and the socket stays usable; a failure to send fails the stream.
   */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (!(chunk instanceof Uint8Array)) {
      try {
        this._prepare([chunk as MessageChunk]);
      } catch (err) {
        if (!(err instanceof NeedsResolve)) throw err;
      }
    }
    return super.write(chunk, encoding as BufferEncoding, callback);
  }

  /** @internal Sends messages in order: one sendmmsg per run the kernel takes at once. */
  _writeBatch(chunks: MessageChunk[], callback: WriteCallback): void {
    this._touch();
    let bufs: Uint8Array[];
    let targets: Target[] | undefined;
    try {
      [bufs, targets] = this._prepare(chunks);
    } catch (err) {
      if (err instanceof NeedsResolve) {
        this._resolveThenWrite(chunks, callback);
        return;
      }
      callback(err as Error);
      return;
    }
    this._sendFrom(bufs, targets, 0, callback);
  }

  /** @internal */
  _sendFrom(bufs: Uint8Array[], targets: Target[] | undefined, from: number, callback: WriteCallback): void {
    let refusedBefore = false;
    while (from < bufs.length) {
      const h = this._fdHandle;
      if (h === null) {
        callback(failure(-C.EBADF, 'sendmsg'));
        return;
      }
      const rest = from === 0 ? bufs : bufs.slice(from);
      const restTargets = targets && (from === 0 ? targets : targets.slice(from));
      const segments = rest.length > 1 && restTargets === undefined ? (this._segments ?? this._segmentsFor(h)) : 0;
      const r = H.sendBatch(h, rest, restTargets, segments);
      // A route or device that cannot take segmented sends (no checksum offload, a datagram
      // over the path MTU) refuses the whole send: this socket then sends one by one.
      if (segments > 0 && (r === -C.EIO || r === -C.EINVAL || r === -C.EMSGSIZE)) {
        this._segments = 0;
        continue;
      }
      if (r === -C.EAGAIN) {
        const retry = () => this._sendFrom(bufs, targets, from, callback);
        // An unconnected local datagram sender whose peer's queue is full stays writable
        // itself, so a wait would answer at once: back off on a timer rather than spin.
        if (native.pollFd(H.fd(h), C.POLLOUT) & C.POLLOUT) {
          setTimeout(retry, sendBackoffMs(this._sendBackoff++));
          return;
        }
        this._waitWritable('sendmsg').then(retry, (err: Error) => callback(err));
        return;
      }
      this._sendBackoff = 0;
      // ECONNREFUSED here is the ICMP answer to an earlier datagram of a connected socket, which
      // the kernel reports once (and has now cleared): it is not this write's failure, and it
      // must not destroy the stream, as it does not when a read hears it first.
      if (r === -C.ECONNREFUSED && this._kind.type === 'datagram' && !refusedBefore) {
        refusedBefore = true;
        continue;
      }
      if (r < 0) {
        callback(failure(r, 'sendmsg'));
        return;
      }
      from += r;
    }
    callback();
  }

  /**
   * @internal How many same-length datagrams to the connected peer may leave in one
   * UDP_SEGMENT send: the kernel splits it into the very datagrams a send each would make, at a
   * fraction of the cost. Unicast UDP only (a multicast or broadcast socket sends one by one),
   * and only where the kernel knows the option.
   */
  _segmentsFor(h: FdHandle): number {
    const peer = this._peerName;
    let n = 0;
    if (C.UDP_SEGMENT !== undefined && this._kind.type === 'datagram' && peer !== null && 'host' in peer && !peer.host.isMulticast()) {
      const broadcast = H.getsockopt(h, C.SOL_SOCKET, C.SO_BROADCAST, 4);
      const known = H.getsockopt(h, C.IPPROTO_UDP, C.UDP_SEGMENT, 4);
      if (typeof broadcast !== 'number' && broadcast.readInt32LE(0) === 0 && typeof known !== 'number') n = GSO_SEGMENTS;
    }
    return (this._segments = n);
  }

  /** @internal Buffers and destinations for each chunk; throws NeedsResolve for host names. */
  _prepare(chunks: MessageChunk[]): [Uint8Array[], Target[] | undefined] {
    const bufs: Uint8Array[] = new Array(chunks.length);
    let targets: Target[] | undefined;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      if (c instanceof Uint8Array) {
        bufs[i] = c;
        continue;
      }
      if (c === null || typeof c !== 'object') throw invalidArgType('chunk', 'a Buffer or a message object { data, host, port } / { data, filename }', c);
      const data = typeof c.data === 'string' ? Buffer.from(c.data) : c.data;
      if (!(data instanceof Uint8Array)) throw invalidArgType('chunk.data', 'a Buffer or a string', c.data);
      bufs[i] = data;
      targets ??= new Array(chunks.length);
      targets[i] = this._targetOf(c);
    }
    return [bufs, targets];
  }

  /** @internal The destination of one message object. */
  _targetOf(c: Exclude<MessageChunk, Uint8Array>): Target {
    if (this._kind.addressFamily === 'local') {
      if (c.host !== undefined) throw invalidArgType('chunk.host', 'absent on a local socket (use filename)', c.host);
      if (c.port !== undefined) throw invalidArgType('chunk.port', 'absent on a local socket (use filename)', c.port);
      if (c.filename === undefined) return undefined;
      if (typeof c.filename !== 'string') throw invalidArgType('chunk.filename', 'of type string', c.filename);
      return localSockaddr(c.filename, c.abstract === true, 'chunk.filename');
    }
    if (c.filename !== undefined) throw invalidArgType('chunk.filename', 'absent on an internet socket', c.filename);
    if (c.host === undefined) return undefined;
    if (c.port === undefined && this._kind.type === 'datagram') throw invalidArgType('chunk.port', 'given with chunk.host', undefined);
    const port = resolvePort(c.port, 'chunk.port', 'udp');
    const host = literalHost(c.host, 'chunk.host');
    if (!host) throw new NeedsResolve();
    return this._inetArgs(host, port, 'sendmsg');
  }

  /** @internal Resolves host names in `chunks`, then writes them. */
  _resolveThenWrite(chunks: MessageChunk[], callback: WriteCallback): void {
    Promise.all(
      chunks.map(async (c) => {
        if (c instanceof Uint8Array || c.host === undefined || literalHost(c.host, 'chunk.host')) return c;
        const [host] = await resolveHost(c.host, this._kind.ipv6 ? undefined : false, 'chunk.host');
        return { ...c, host };
      }),
    ).then(
      (resolved) => this._writeBatch(resolved, callback),
      (err: Error) => callback(err),
    );
  }

  /** A seqpacket peer sees the end of the records; datagrams have no end to send. */
  override _endShutsDown(): boolean {
    return this._kind.type === 'seqpacket';
  }
}

class NeedsResolve extends Error {}

/** A Uint32Array over the native info Buffer, which serves every batch until it grows. */
let infoBuffer: Buffer | null = null;
let infoWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
function wordsOf(info: Buffer): Uint32Array<ArrayBufferLike> {
  if (info !== infoBuffer) {
    infoBuffer = info;
    infoWords = new Uint32Array(info.buffer, info.byteOffset, info.length >>> 2);
  }
  return infoWords;
}
