/**
 * The concrete socket classes of API.md's precedence table.
 * @module
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { SocketDescriptorLimitError, SocketEndpointShutdownError } from '../errors.js';
import type { InetAddress } from '../address/index.js';
import type { ActiveStreamOptions } from './active.js';
import { StreamActiveBase } from './stream-active.js';
import { MessageActiveBase } from './message-active.js';
import { PassiveSocketBase, type Connections } from './passive.js';
import { handleFor, type SocketKind } from './core.js';
import type { ActiveSocketBase } from './active.js';
import {
  peerCredentials, receiveMessage, sendMessage, fdOf,
  type Credentials, type FdSource, type ReceiveMessageOptions, type ReceivedMessage, type SendMessageOptions,
} from './fd-passing.js';
import { setMembership, type MulticastOptions } from './multicast.js';

/** Bytes read at a time while receiveFileDescriptor skips plain bytes. */
const SKIP_SIZE = 65536;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor<T = object> = new (...args: any[]) => T;

/** What LocalMessaging adds to a class. */
interface LocalMessagingMembers {
  /** Sends one fd (a number, one of our sockets, a node:net socket or a FileHandle). */
  sendFileDescriptor(fd: FdSource): Promise<void>;
  /** Receives one fd, close-on-exec; the caller owns it. */
  receiveFileDescriptor(options?: { timeout?: number | undefined; signal?: AbortSignal | undefined }): Promise<number>;
  /** Sends data and fds in one message (SCM_RIGHTS); resolves with the bytes sent. */
  sendMessage(options: SendMessageOptions): Promise<number>;
  /** Receives data and fds; resolves null with `dontWait` when nothing is there. */
  receiveMessage(options?: ReceiveMessageOptions): Promise<ReceivedMessage | null>;
  /** The peer process's pid, uid and gid (SO_PEERCRED). */
  peerCredentials(): Credentials;
}

/**
 * Local active sockets' extras: fd passing and peer credentials. Its type is spelled out: the
 * one TypeScript would infer, emitted in the declarations, loses `this` in the base's members.
 */
function LocalMessaging<TBase extends Ctor<ActiveSocketBase>>(Base: TBase): TBase & Ctor<LocalMessagingMembers> {
  class LocalMessagingImpl extends Base {
    override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
      removeOwnFile(this);
      super._destroy(err, callback);
    }

    /** Sends one fd (a number, one of our sockets, a node:net socket or a FileHandle). */
    async sendFileDescriptor(fd: FdSource): Promise<void> {
      await sendMessage(this, { fds: [fdOf(fd)] });
    }

    /**
     * Receives one fd, close-on-exec; the caller owns it. Messages without an fd are skipped,
     * and so is the data of the read that brings it: a whole datagram or record, or on a byte
     * stream at most 64 KiB (of a larger message sent with the fd, the rest stays to be read).
     * The peer's end
     * of the stream (stream and seqpacket sockets) rejects with SocketEndpointShutdownError
     * rather than waiting forever, and an fd the kernel could not hand over (this process had
     * no free fd) with SocketDescriptorLimitError (EMFILE).
     */
    async receiveFileDescriptor(options: { timeout?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<number> {
      for (;;) {
        // Skipped bytes go SKIP_SIZE at a time (the kernel ends a read at the message that
        // carries fds), and receiveMessage lets the loop run between reads.
        const msg = await receiveMessage(this, { ...options, size: SKIP_SIZE, maxFds: 1 });
        if (msg && msg.fds.length > 0) return msg.fds[0]!;
        // An fd was sent, but the kernel could not give it to this process: failing here beats
        // waiting for another that may never come.
        if (msg?.fdsTruncated) {
          throw new SocketDescriptorLimitError('EMFILE', 'recvmsg', 'recvmsg EMFILE (a file descriptor was sent, but this process had no free fd to receive it)');
        }
        if (msg && msg.data.length === 0 && this.type !== 'datagram') {
          throw new SocketEndpointShutdownError('ESHUTDOWN', 'recvmsg', 'recvmsg ESHUTDOWN (the peer closed before sending a file descriptor)');
        }
      }
    }

    /** Sends data and fds in one message (SCM_RIGHTS); resolves with the bytes sent. */
    sendMessage(options: SendMessageOptions): Promise<number> {
      return sendMessage(this, options);
    }

    /** Receives data and fds; resolves null with `dontWait` when nothing is there. */
    receiveMessage(options: ReceiveMessageOptions = {}): Promise<ReceivedMessage | null> {
      return receiveMessage(this, options);
    }

    /** The peer process's pid, uid and gid (SO_PEERCRED). */
    peerCredentials(): Credentials {
      return peerCredentials(this);
    }
  }
  return LocalMessagingImpl;
}
import {
  ActiveSocket, DatagramSocket, InternetSocket, LocalSocket, PassiveSocket, Socket, StreamSocket, declareTraits,
} from './kinds.js';

/** A connected TCP socket: a byte `stream.Duplex` (IOLib's socket-stream-internet-active). */
export class SocketStreamInternetActive extends StreamActiveBase {
  /** @internal Use makeSocket. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A connected Unix stream socket: a byte `stream.Duplex` (IOLib's socket-stream-local-active). */
export class SocketStreamLocalActive extends LocalMessaging(StreamActiveBase) {
  /** @internal Use makeSocket or makeSocketPair. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A Unix seqpacket socket: an object-mode Duplex of whole records. */
export class SocketSeqpacketLocalActive extends LocalMessaging(MessageActiveBase) {
  /** @internal Use makeSocket or makeSocketPair. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A UDP socket: an object-mode Duplex of datagrams (IOLib's socket-datagram-internet-active). */
export class SocketDatagramInternetActive extends MessageActiveBase {
  /** @internal Use makeSocket. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }

  /** Joins a multicast group, on the given interface (address, name or index) or the default. */
  joinMulticastGroup(group: string | InetAddress, options: MulticastOptions = {}): this {
    setMembership(this, group, options, true);
    return this;
  }

  /** Leaves a multicast group joined with {@link joinMulticastGroup}. */
  leaveMulticastGroup(group: string | InetAddress, options: MulticastOptions = {}): this {
    setMembership(this, group, options, false);
    return this;
  }
}

/** A Unix datagram socket: an object-mode Duplex of datagrams (IOLib's socket-datagram-local-active). */
export class SocketDatagramLocalActive extends LocalMessaging(MessageActiveBase) {
  /** @internal Use makeSocket or makeSocketPair. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A raw IP socket (needs CAP_NET_RAW): an object-mode Duplex of packets. */
export class SocketRawInternetActive extends MessageActiveBase {
  /** @internal Use makeSocket. */
  constructor(fd: number, kind: SocketKind, options: ActiveStreamOptions = {}) {
    super(options);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A listening TCP socket (IOLib's socket-stream-internet-passive). */
export class SocketStreamInternetPassive extends PassiveSocketBase<SocketStreamInternetActive> {
  /** @internal Use makeSocket; `connections` are its connections' class and stream options. */
  constructor(fd: number, kind: SocketKind, connections: Connections<SocketStreamInternetActive>) {
    super(connections);
    this._attach(handleFor(fd, this), kind);
  }
}

/** A listening Unix stream socket (IOLib's socket-stream-local-passive). */
export class SocketStreamLocalPassive extends PassiveSocketBase<SocketStreamLocalActive> {
  /** @internal Use makeSocket; `connections` are its connections' class and stream options. */
  constructor(fd: number, kind: SocketKind, connections: Connections<SocketStreamLocalActive>) {
    super(connections);
    this._attach(handleFor(fd, this), kind);
  }
  override _beforeClose(): void {
    removeOwnFile(this);
  }
}

/** A listening Unix seqpacket socket. */
export class SocketSeqpacketLocalPassive extends PassiveSocketBase<SocketSeqpacketLocalActive> {
  /** @internal Use makeSocket; `connections` are its connections' class and stream options. */
  constructor(fd: number, kind: SocketKind, connections: Connections<SocketSeqpacketLocalActive>) {
    super(connections);
    this._attach(handleFor(fd, this), kind);
  }
  override _beforeClose(): void {
    removeOwnFile(this);
  }
}

/** A file a socket's bind created: its path, and the file's device and inode there. */
interface OwnFile {
  readonly path: string;
  readonly id: string | null;
}

/**
 * The files makeSocket's localFilename (or a listener's bind) created, removed when their
 * socket closes: few sockets have one, so none carries a field for it. Kept by the socket, so
 * that a socket the collector takes (closing its fd) has its file removed too.
 */
const ownFiles = new WeakMap<object, OwnFile>();
const abandonedFiles = new FinalizationRegistry<OwnFile>(removeIfOwn);

function fileId(path: string): string | null {
  try {
    const st = lstatSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/** Records that `socket`'s bind created the file at `path`, which its close removes. */
export function ownFileCreated(socket: object, path: string): void {
  const file: OwnFile = { path, id: fileId(path) };
  ownFiles.set(socket, file);
  abandonedFiles.register(socket, file, socket);
}

/** Removes the file the socket's bind created, if any (see removeIfOwn). */
function removeOwnFile(socket: object): void {
  const file = ownFiles.get(socket);
  if (file === undefined) return;
  ownFiles.delete(socket);
  abandonedFiles.unregister(socket);
  removeIfOwn(file);
}

/**
 * Removes `file` if its path still names the file the bind created: one that was unlinked
 * and replaced (another socket bound there since) is not this socket's to remove.
 */
function removeIfOwn(file: OwnFile): void {
  if (file.id === null || fileId(file.path) !== file.id) return;
  try {
    unlinkSync(file.path);
  } catch {
    // Already gone: someone else removed it.
  }
}

declareTraits(SocketStreamInternetActive, [Socket, ActiveSocket, StreamSocket, InternetSocket]);
declareTraits(SocketStreamInternetPassive, [Socket, PassiveSocket, StreamSocket, InternetSocket]);
declareTraits(SocketStreamLocalActive, [Socket, ActiveSocket, StreamSocket, LocalSocket]);
declareTraits(SocketStreamLocalPassive, [Socket, PassiveSocket, StreamSocket, LocalSocket]);
declareTraits(SocketSeqpacketLocalActive, [Socket, ActiveSocket, StreamSocket, LocalSocket]);
declareTraits(SocketSeqpacketLocalPassive, [Socket, PassiveSocket, StreamSocket, LocalSocket]);
declareTraits(SocketDatagramInternetActive, [Socket, ActiveSocket, DatagramSocket, InternetSocket]);
declareTraits(SocketDatagramLocalActive, [Socket, ActiveSocket, DatagramSocket, LocalSocket]);
declareTraits(SocketRawInternetActive, [Socket, ActiveSocket, InternetSocket]);
