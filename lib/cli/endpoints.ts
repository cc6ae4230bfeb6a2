/**
 * The endpoints `iolib relay` joins, socat-style (`tcp:HOST:PORT`, `unix-listen:PATH`, ...),
 * each opened into a Channel: a byte source, and a sink that honours backpressure and can be
 * half-closed. Message sockets carry bytes as messages; an empty datagram marks the end of a
 * datagram channel's stream, since datagrams have no half-close.
 * @module
 */
import { once } from 'node:events';
import { unlinkSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import {
  makeSocket, type ActiveSocket, type AnySocket, type MakeSocketOptions, type Message, type SocketDatagramInternetActive,
  type SocketDatagramLocalActive, type SocketStreamInternetPassive, type InetName, type SocketStreamLocalPassive, type SocketSeqpacketLocalPassive,
} from '../sockets/index.js';
import { UsageError } from './command.js';

/** A byte channel: what relay pumps from and into. */
export interface Channel {
  /** The endpoint as given, for messages. */
  label: string;
  /** The bytes that arrive, until the other side's end. */
  read(): AsyncIterable<Buffer>;
  /** Sends bytes; resolves when more may be sent. */
  write(chunk: Buffer): Promise<void>;
  /** Half-close: nothing more will be written. */
  end(): Promise<void>;
  /** Releases the endpoint (and the file a listener bound). */
  close(): Promise<void>;
}

/** Options every endpoint takes from the command line. */
export interface EndpointOptions {
  /** Where to say "listening on ..." (the port is only known once bound). */
  announce: (text: string) => void;
}

/** Largest message a byte chunk is cut into for datagram and seqpacket endpoints: socat's default block size, so socat peers read whole messages. */
export const MAX_MESSAGE = 8192;
/** Receive size of message endpoints: anything larger is reported as truncated. */
const RECEIVE_SIZE = 64 * 1024;

/** Every endpoint form, for help texts. */
export const ENDPOINT_HELP = `endpoints:
  tcp:HOST:PORT              connect over TCP (HOST may be [IPv6])
  tcp-listen:[HOST:]PORT     accept one TCP connection (HOST defaults to 0.0.0.0)
  udp:HOST:PORT              UDP to HOST:PORT
  udp-listen:[HOST:]PORT     UDP, answering whoever sends first
  unix:PATH                  connect to a Unix stream socket
  unix-listen:PATH           accept one connection on a Unix stream socket
  abstract:NAME              connect to a Linux abstract-namespace stream socket
  abstract-listen:NAME       accept one connection on an abstract stream socket
  unix-dgram:PATH            Unix datagrams to PATH (from an autobound address)
  unix-dgram-listen:PATH     Unix datagrams on PATH, answering whoever sends first
  seqpacket:PATH             connect to a Unix seqpacket socket
  seqpacket-listen:PATH      accept one connection on a Unix seqpacket socket
  stdio                      standard input and output`;

/** Splits HOST:PORT, HOST being a name, an IPv4 address or an [IPv6] address. */
function hostPort(spec: string, rest: string, hostOptional: boolean): { host?: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|(.*)):([^:]+)$/.exec(rest);
  const portText = m ? m[3]! : rest;
  const host = m ? (m[1] ?? m[2]) : undefined;
  if (!m && !hostOptional) throw new UsageError(`${spec}: expected HOST:PORT`);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`${spec}: the port must be a number 0-65535, got '${portText}'`);
  if (host === '') throw new UsageError(`${spec}: empty host`);
  return { ...(host === undefined ? {} : { host }), port: Number(portText) };
}

function nonEmpty(spec: string, rest: string, what: string): string {
  if (rest === '') throw new UsageError(`${spec}: expected ${what}`);
  return rest;
}

/** What an endpoint text means, checked before anything is opened. */
export type EndpointSpec =
  | { kind: 'tcp' | 'udp'; label: string; host: string; port: number }
  | { kind: 'tcp-listen' | 'udp-listen'; label: string; host: string; port: number }
  | { kind: 'unix' | 'unix-listen' | 'abstract' | 'abstract-listen' | 'unix-dgram' | 'unix-dgram-listen' | 'seqpacket' | 'seqpacket-listen'; label: string; name: string }
  | { kind: 'stdio'; label: string };

/** Parses an endpoint; throws UsageError naming what is wrong. */
export function parseEndpoint(spec: string): EndpointSpec {
  if (spec === 'stdio' || spec === '-') return { kind: 'stdio', label: 'stdio' };
  const colon = spec.indexOf(':');
  const word = (colon < 0 ? spec : spec.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (word) {
    case 'tcp':
    case 'udp': {
      const { host, port } = hostPort(spec, rest, false);
      return { kind: word, label: spec, host: host!, port };
    }
    case 'tcp-listen':
    case 'udp-listen': {
      const { host = '0.0.0.0', port } = hostPort(spec, rest, true);
      return { kind: word, label: spec, host, port };
    }
    case 'unix':
    case 'unix-listen':
    case 'unix-dgram':
    case 'unix-dgram-listen':
    case 'seqpacket':
    case 'seqpacket-listen':
      return { kind: word, label: spec, name: nonEmpty(spec, rest, 'a PATH') };
    case 'abstract':
    case 'abstract-listen':
      return { kind: word, label: spec, name: nonEmpty(spec, rest, 'a NAME') };
    default:
      throw new UsageError(`unknown endpoint '${spec}' (see iolib relay --help for the forms)`);
  }
}

/** Waits for 'drain', failing if the stream errors or closes first. */
async function drained(stream: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: ac.signal }),
      once(stream, 'close', { signal: ac.signal }).then(() => {
        throw new Error('the connection closed while writing');
      }),
    ]);
  } finally {
    ac.abort();
  }
}

/** Writes with backpressure. */
async function writeTo(stream: Writable, chunk: unknown): Promise<void> {
  if (!stream.write(chunk)) await drained(stream);
}

/** Ends a Duplex's writable side and waits until it is flushed (and shut down). */
async function endOf(stream: Writable): Promise<void> {
  if (stream.writableFinished) return;
  const finished = once(stream, 'finish');
  stream.end();
  await finished;
}

/**
 * Keeps `socket`'s first 'error' for the returned check to throw on the channel's next call: a
 * write's error may come after write() returned, when nothing of the relay listens, and would
 * otherwise end it as an uncaught error that does not name the endpoint.
 */
function errorsOf(socket: Writable): () => void {
  let failed: Error | null = null;
  socket.on('error', (err: Error) => (failed ??= err));
  return () => {
    if (failed) throw failed;
  };
}

/** A channel over a byte-stream socket (TCP, Unix stream, abstract). */
function streamChannel(label: string, socket: AnySocket & Readable & Writable): Channel {
  const check = errorsOf(socket);
  return {
    label,
    read: () => socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>,
    async write(chunk) {
      check();
      await writeTo(socket, chunk);
    },
    async end() {
      check();
      await endOf(socket);
    },
    close: () => socket.close(),
  };
}

/** Cuts a byte chunk into messages of at most MAX_MESSAGE bytes. */
function* messages(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += MAX_MESSAGE) yield chunk.subarray(at, at + MAX_MESSAGE);
}

/** The data of each message read, failing on a truncated one (the caller names the endpoint). */
async function* payloads(source: AsyncIterable<Message>, endOnEmpty: boolean): AsyncGenerator<Buffer> {
  for await (const message of source) {
    if (message.truncated) throw new Error(`a message longer than ${RECEIVE_SIZE} bytes was truncated`);
    if (message.data.length === 0) {
      if (endOnEmpty) return;
      continue;
    }
    yield message.data;
  }
}

/** A channel over a seqpacket connection: messages, and shutdown(2) for the end. */
function seqpacketChannel(label: string, socket: AnySocket & Readable & Writable): Channel {
  const check = errorsOf(socket);
  return {
    label,
    read: () => payloads(socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Message>, false),
    async write(chunk) {
      check();
      for (const m of messages(chunk)) await writeTo(socket, m);
    },
    async end() {
      check();
      await endOf(socket);
    },
    close: () => socket.close(),
  };
}

type DatagramSocket = SocketDatagramInternetActive | SocketDatagramLocalActive;

/**
 * A channel over a datagram socket. `first` is a message already read (a listener's first
 * one); an empty datagram ends the stream both ways.
 */
function datagramChannel(label: string, socket: DatagramSocket, iterator: AsyncIterator<Message>, first: Message | undefined, cleanup?: () => void): Channel {
  const check = errorsOf(socket);
  const source: AsyncIterable<Message> = {
    [Symbol.asyncIterator]: () => {
      let pending = first;
      return {
        next: async () => {
          if (pending) {
            const value = pending;
            pending = undefined;
            return { value, done: false };
          }
          return iterator.next();
        },
      };
    },
  };
  return {
    label,
    read: () => payloads(source, true),
    async write(chunk) {
      check();
      for (const m of messages(chunk)) await writeTo(socket, m);
    },
    async end() {
      check();
      await writeTo(socket, Buffer.alloc(0));
    },
    async close() {
      await socket.close();
      cleanup?.();
    },
  };
}

/**
 * A connected UDP socket's messages, read with receiveFrom: it reports the peer's ICMP port
 * unreachable (ECONNREFUSED), which the socket's stream reads pass over, so a relay to a port
 * nobody listens on fails (as socat's does) instead of waiting for ever.
 */
function refusable(socket: SocketDatagramInternetActive): AsyncIterator<Message> {
  return {
    async next() {
      const got = (await socket.receiveFrom({ size: RECEIVE_SIZE }))!;
      const message: Message = { data: got.buffer.subarray(0, got.bytes) };
      if (got.truncated) message.truncated = true;
      return { value: message, done: false };
    },
  };
}

/** Accepts the first connection of a passive socket, then closes the listener. */
async function acceptOne(server: SocketStreamInternetPassive | SocketStreamLocalPassive | SocketSeqpacketLocalPassive): Promise<AnySocket & Readable & Writable> {
  try {
    const conn = await server.acceptConnection();
    if (!conn) throw new Error('no connection came');
    return conn as unknown as AnySocket & Readable & Writable;
  } finally {
    await server.close();
  }
}

/** Waits for a datagram listener's first message and connects the socket to its sender (the caller names the endpoint). */
async function firstSender(socket: DatagramSocket): Promise<{ iterator: AsyncIterator<Message>; first: Message }> {
  const iterator = socket.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Message>;
  const { value, done } = await iterator.next();
  if (done) throw new Error('the socket closed before anything arrived');
  const first = value as Message;
  if (first.host !== undefined) {
    await socket.connect(first.host, { port: first.port! });
  } else {
    if (!first.filename) throw new Error('the first datagram came from an unnamed socket, which cannot be answered');
    await socket.connect(first.filename, { abstract: first.abstract === true });
  }
  return { iterator, first };
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean.
  }
}

/** The standard input and output as a channel; the output ends when the process does. */
function stdioChannel(): Channel {
  return {
    label: 'stdio',
    read: () => process.stdin as AsyncIterable<Buffer>,
    write: (chunk) => writeTo(process.stdout, chunk),
    end: async () => {},
    close: async () => {},
  };
}

const MESSAGE_OPTIONS = { inputBufferSize: RECEIVE_SIZE };
/** UDP has no flow control: a big receive buffer (the kernel caps it at rmem_max) absorbs bursts. */
const UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;

/** HOST:PORT, with an IPv6 host in brackets. */
function inetName({ host, port }: InetName): string {
  return host.type === 'ipv6' ? `[${host.toString()}]:${port}` : `${host.toString()}:${port}`;
}

/** Opens an endpoint: connects, or listens and waits for the first peer. */
export async function openEndpoint(spec: EndpointSpec, options: EndpointOptions): Promise<Channel> {
  const { label } = spec;
  switch (spec.kind) {
    case 'stdio':
      return stdioChannel();
    case 'tcp': {
      const socket = await makeSocket({ remoteHost: spec.host, remotePort: spec.port });
      return streamChannel(label, socket as AnySocket & Readable & Writable);
    }
    case 'tcp-listen': {
      const server = (await makeSocket({ connect: 'passive', localHost: spec.host, localPort: spec.port })) as SocketStreamInternetPassive;
      options.announce(`listening on ${inetName(server.localName() as InetName)}`);
      return streamChannel(label, await acceptOne(server));
    }
    case 'udp': {
      const socket = (await makeSocket({ type: 'datagram', remoteHost: spec.host, remotePort: spec.port, ...MESSAGE_OPTIONS })) as SocketDatagramInternetActive;
      socket.setOption('receiveBuffer', UDP_RECEIVE_BUFFER);
      return datagramChannel(label, socket, refusable(socket), undefined);
    }
    case 'udp-listen': {
      const socket = (await makeSocket({ type: 'datagram', localHost: spec.host, localPort: spec.port, ...MESSAGE_OPTIONS })) as SocketDatagramInternetActive;
      socket.setOption('receiveBuffer', UDP_RECEIVE_BUFFER);
      options.announce(`listening on ${inetName(socket.localName() as InetName)}`);
      const { iterator, first } = await closingOnError(socket, () => firstSender(socket));
      return datagramChannel(label, socket, iterator, first);
    }
    case 'unix':
    case 'abstract': {
      const socket = await makeSocket({ addressFamily: 'local', remoteFilename: spec.name, abstract: spec.kind === 'abstract' });
      return streamChannel(label, socket as AnySocket & Readable & Writable);
    }
    case 'unix-listen':
    case 'abstract-listen':
    case 'seqpacket-listen': {
      const type = spec.kind === 'seqpacket-listen' ? 'seqpacket' : 'stream';
      const server = (await makeSocket({ addressFamily: 'local', type, connect: 'passive', localFilename: spec.name, abstract: spec.kind === 'abstract-listen' })) as SocketStreamLocalPassive;
      options.announce(`listening on ${spec.kind === 'abstract-listen' ? '@' : ''}${spec.name}`);
      const conn = await acceptOne(server);
      return type === 'seqpacket' ? seqpacketChannel(label, conn) : streamChannel(label, conn);
    }
    case 'seqpacket': {
      const socket = await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: spec.name, ...MESSAGE_OPTIONS });
      return seqpacketChannel(label, socket as AnySocket & Readable & Writable);
    }
    case 'unix-dgram': {
      // An empty local name is autobound by the kernel, so the peer can answer.
      const socket = (await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: '', remoteFilename: spec.name, ...MESSAGE_OPTIONS })) as SocketDatagramLocalActive;
      return datagramChannel(label, socket, socket.iterator({ destroyOnReturn: false })[Symbol.asyncIterator](), undefined);
    }
    case 'unix-dgram-listen': {
      const socketOptions: MakeSocketOptions = { addressFamily: 'local', type: 'datagram', localFilename: spec.name, ...MESSAGE_OPTIONS };
      const socket = (await makeSocket(socketOptions)) as SocketDatagramLocalActive;
      options.announce(`listening on ${spec.name}`);
      const { iterator, first } = await closingOnError(socket, () => firstSender(socket), () => removeFile(spec.name));
      return datagramChannel(label, socket, iterator, first, () => removeFile(spec.name));
    }
  }
}

/** Runs `setup`; if it fails, closes the socket (and cleans up) before rethrowing. */
async function closingOnError<T>(socket: ActiveSocket, setup: () => Promise<T>, cleanup?: () => void): Promise<T> {
  try {
    return await setup();
  } catch (err) {
    await socket.close({ abort: true });
    cleanup?.();
    throw err;
  }
}
