/**
 * makeSocket and friends: IOLib's make-socket with its table of which options each kind of
 * socket takes.
 * @module
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { H, C, native, type FdHandle } from '../native.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { SocketAddressInUseError } from '../errors.js';
import { codedError, invalidArgType, invalidArgValue, validateBoolean, validateObject, validateOneOf, validateSignal, validateTimeout, validateInteger, withArticle } from '../internal/validate.js';
import { abortError, deadlineAfter, remaining } from '../internal/wait.js';
import { IPV4_UNSPECIFIED, IPV6_UNSPECIFIED, Ipv6Address, type InetAddress } from '../address/index.js';
import { check, checkData, socketErrorFor } from './syscall.js';
import { localSockaddr } from './sockaddr.js';
import { resolveEndpoint, resolveHost, resolvePort, type HostDesignator, type PortDesignator, type ResolvedEndpoint } from './resolve.js';
import { connectToEach, streamSizes, type ActiveStreamOptions } from './active.js';
import { validateBacklog, type Connections, type PassiveSocketBase } from './passive.js';
import type { SocketKind } from './core.js';
import type { SocketTypeName } from './options.js';
import { lookupProtocolNumber } from './protocols.js';
import {
  SocketDatagramInternetActive, SocketDatagramLocalActive, SocketRawInternetActive, SocketSeqpacketLocalActive,
  SocketSeqpacketLocalPassive, SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive,
  SocketStreamLocalPassive, ownFileCreated,
} from './classes.js';

/**
 * Options of {@link makeSocket} (IOLib's make-socket keywords). An option set to undefined is
 * absent, so values such as a closed server's `localPort` type-check with
 * exactOptionalPropertyTypes.
 */
export interface MakeSocketOptions extends ActiveStreamOptions {
  /** 'internet' (default), or 'local' for Unix sockets ('file' is the same). */
  addressFamily?: 'internet' | 'local' | 'file' | undefined;
  /** 'stream' (default), 'datagram', 'seqpacket' (local only) or 'raw' (internet only). */
  type?: SocketTypeName | undefined;
  /** 'active' (default): talks to a peer; 'passive': listens and accepts (stream and seqpacket). */
  connect?: 'active' | 'passive' | undefined;
  /** Internet sockets: IPv6 (true) or IPv4 (false); by default the addresses given decide. */
  ipv6?: boolean | undefined;
  /** Internet sockets: the local address to bind (an Address, a literal or a host name). */
  localHost?: HostDesignator | undefined;
  /** Internet sockets: the local port to bind (0: any free one), a number or service name. */
  localPort?: PortDesignator | undefined;
  /** Internet active sockets: the host to connect to; a name is tried address by address. */
  remoteHost?: HostDesignator | undefined;
  /** Internet active sockets: the port to connect to, a number or service name. */
  remotePort?: PortDesignator | undefined;
  /** Local sockets: the name to bind (a path, or an abstract name with `abstract`). */
  localFilename?: string | undefined;
  /** Local active sockets: the name to connect to. */
  remoteFilename?: string | undefined;
  /** Local sockets: names are in the Linux abstract namespace (no file). */
  abstract?: boolean | undefined;
  /** Passive sockets: the listen(2) backlog (default 511). */
  backlog?: number | undefined;
  /** SO_REUSEADDR (default true when binding). */
  reuseAddress?: boolean | undefined;
  /** SO_REUSEPORT: several sockets on one port, the kernel spreading the load. */
  reusePort?: boolean | undefined;
  /**
   * IPv6 sockets: IPV6_V6ONLY, set before the bind (the kernel refuses it after): a socket on
   * `::` that takes no IPv4, so another can have `0.0.0.0` on the same port (node:net's
   * `ipv6Only`). Default: the system's (net.ipv6.bindv6only, usually false).
   */
  ipv6Only?: boolean | undefined;
  /** TCP clients: SO_KEEPALIVE. */
  keepalive?: boolean | undefined;
  /** TCP clients: TCP_NODELAY (no Nagle delay). */
  nodelay?: boolean | undefined;
  /** SO_BINDTODEVICE: only this interface (by name). */
  interface?: string | undefined;
  /** Datagram and raw sockets: SO_BROADCAST. */
  broadcast?: boolean | undefined;
  /** Raw sockets: the IP protocol, a name or number (default icmp, or ipv6-icmp). */
  protocol?: string | number | undefined;
  /** ms, for the connect (PollTimeoutError). */
  timeout?: number | undefined;
  /** Aborts the connect (AbortError). */
  signal?: AbortSignal | undefined;
}

/** Any concrete socket makeSocket can return. */
export type AnySocket =
  | SocketStreamInternetActive | SocketStreamInternetPassive | SocketStreamLocalActive | SocketStreamLocalPassive
  | SocketDatagramInternetActive | SocketDatagramLocalActive | SocketSeqpacketLocalActive | SocketSeqpacketLocalPassive
  | SocketRawInternetActive;

/** What a passive socket's connections get unless acceptConnection says otherwise. */
function acceptDefaults(options: ActiveStreamOptions): ActiveStreamOptions {
  const { inputBufferSize, outputBufferSize, encoding, allowHalfOpen } = options;
  return { inputBufferSize, outputBufferSize, encoding, allowHalfOpen };
}

/** The class of each row of IOLib's table, keyed `family type connect`. */
export interface SocketClassTable {
  /** IOLib's socket-stream-internet-active. */
  'internet stream active': SocketStreamInternetActive;
  /** IOLib's socket-stream-internet-passive. */
  'internet stream passive': SocketStreamInternetPassive;
  /** IOLib's socket-stream-local-active. */
  'local stream active': SocketStreamLocalActive;
  /** IOLib's socket-stream-local-passive. */
  'local stream passive': SocketStreamLocalPassive;
  /** IOLib's socket-seqpacket-local-active. */
  'local seqpacket active': SocketSeqpacketLocalActive;
  /** IOLib's socket-seqpacket-local-passive. */
  'local seqpacket passive': SocketSeqpacketLocalPassive;
  /** IOLib's socket-datagram-internet-active. */
  'internet datagram active': SocketDatagramInternetActive;
  /** IOLib's socket-datagram-local-active. */
  'local datagram active': SocketDatagramLocalActive;
  /** IOLib's socket-raw-internet-active. */
  'internet raw active': SocketRawInternetActive;
}

/**
 * The values option `K` of `O` can have: its literal type, or `D` (the default) when it may be
 * absent. A widened option gives every value it allows.
 */
type OptionValue<O, K extends PropertyKey, D> = O extends unknown
  ? K extends keyof O ? Exclude<O[K], undefined> | (undefined extends O[K] ? D : never) : D
  : never;

/**
 * The class makeSocket gives for options of type `O`: `{ connect: 'passive' }` is a
 * SocketStreamInternetPassive, `{ addressFamily: 'local', type: 'datagram' }` a
 * SocketDatagramLocalActive, no options a SocketStreamInternetActive. Options whose type is not
 * literal give the union of the classes they allow; options that select no row (a local raw
 * socket) give never, and makeSocket rejects them with a TypeError.
 */
export type SocketFor<O extends MakeSocketOptions> = SocketClassTable[
  `${OptionValue<O, 'addressFamily', 'internet'> extends infer F ? (F extends 'file' ? 'local' : F & string) : never} ${OptionValue<O, 'type', 'stream'> & string} ${OptionValue<O, 'connect', 'active'> & string}` &
    keyof SocketClassTable
];

/** A kind's key in IOLib's table: `family type connect`. */
type KindKey = keyof SocketClassTable;

/** What a row's class takes after the fd and kind: its connections' class and options (passive) or its stream options (active). */
type ClassArg<S> = S extends PassiveSocketBase<infer Conn> ? Connections<Conn> : ActiveStreamOptions;

/** One row of IOLib's table: what a (family, type, connect) kind is made of. */
interface KindRow<S> {
  /** The concrete class. */
  readonly Class: new (fd: number, kind: SocketKind, arg: ClassArg<S>) => S;
  /** The makeSocket options the kind takes. */
  readonly options: readonly (keyof MakeSocketOptions)[];
  /** The protocol's name when none is given (IPv4 and local sockets). */
  readonly protocol: string;
  /** The protocol's name when none is given on IPv6, where it differs. */
  readonly protocol6?: string;
}

const COMMON = ['addressFamily', 'type', 'connect', 'inputBufferSize', 'outputBufferSize', 'timeout', 'signal'] as const;
const INET_LOCAL_END = ['ipv6', 'localHost', 'localPort', 'interface', 'reuseAddress', 'reusePort', 'ipv6Only'] as const;
const LOCAL_END = ['localFilename', 'abstract'] as const;

/**
 * IOLib's table, the one place a kind's class, options and protocol are written down:
 * makeSocket, makeSocketPair and makeSocketFromFd all make their sockets from it. Typed by
 * SocketClassTable, so a row's class is the one SocketFor names.
 */
const KIND_TABLE: { readonly [K in KindKey]: KindRow<SocketClassTable[K]> } = {
  'internet stream active': {
    Class: SocketStreamInternetActive, protocol: 'tcp',
    options: [...COMMON, ...INET_LOCAL_END, 'remoteHost', 'remotePort', 'keepalive', 'nodelay', 'encoding', 'allowHalfOpen'],
  },
  'internet stream passive': {
    Class: SocketStreamInternetPassive, protocol: 'tcp',
    options: [...COMMON, ...INET_LOCAL_END, 'backlog', 'nodelay', 'encoding', 'allowHalfOpen'],
  },
  'local stream active': {
    Class: SocketStreamLocalActive, protocol: 'default',
    options: [...COMMON, ...LOCAL_END, 'remoteFilename', 'encoding', 'allowHalfOpen'],
  },
  'local stream passive': {
    Class: SocketStreamLocalPassive, protocol: 'default',
    options: [...COMMON, ...LOCAL_END, 'backlog', 'reuseAddress', 'encoding', 'allowHalfOpen'],
  },
  'local seqpacket active': {
    Class: SocketSeqpacketLocalActive, protocol: 'default',
    options: [...COMMON, ...LOCAL_END, 'remoteFilename', 'allowHalfOpen'],
  },
  'local seqpacket passive': {
    Class: SocketSeqpacketLocalPassive, protocol: 'default',
    options: [...COMMON, ...LOCAL_END, 'backlog', 'reuseAddress', 'allowHalfOpen'],
  },
  'internet datagram active': {
    Class: SocketDatagramInternetActive, protocol: 'udp',
    options: [...COMMON, ...INET_LOCAL_END, 'remoteHost', 'remotePort', 'broadcast'],
  },
  'local datagram active': {
    Class: SocketDatagramLocalActive, protocol: 'default',
    options: [...COMMON, ...LOCAL_END, 'remoteFilename'],
  },
  'internet raw active': {
    Class: SocketRawInternetActive, protocol: 'icmp', protocol6: 'ipv6-icmp',
    options: [...COMMON, 'ipv6', 'localHost', 'remoteHost', 'interface', 'broadcast', 'protocol'],
  },
};

/** The family, type and connect of a row. */
type KindParts = readonly ['internet' | 'local', SocketTypeName, 'active' | 'passive'];

const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(['ipv6', 'reuseAddress', 'reusePort', 'ipv6Only', 'keepalive', 'nodelay', 'broadcast', 'abstract']);
const STRING_OPTIONS: ReadonlySet<string> = new Set(['localFilename', 'remoteFilename', 'interface']);
/** The options each row takes. */
const OPTION_SETS = new Map<KindKey, ReadonlySet<string>>();

/** Each row's parts, split once, and each row's key by its text (see keyOf). */
const PARTS = new Map<KindKey, KindParts>();
const ROWS = new Map<string, KindKey>();
for (const key of Object.keys(KIND_TABLE) as KindKey[]) {
  const parts = key.split(' ') as unknown as KindParts;
  PARTS.set(key, parts);
  ROWS.set(key, key);
  OPTION_SETS.set(key, new Set(KIND_TABLE[key].options));
}

/**
 * The key of `family type connect`, undefined when IOLib's table has no such row: the table's
 * own string, so the lookups by it that follow hash no new string.
 */
function keyOf(family: 'internet' | 'local', type: SocketTypeName, connect: 'active' | 'passive'): KindKey | undefined {
  return ROWS.get(`${family} ${type} ${connect}`);
}

/** The family, type and connect a key names. */
function partsOf(key: KindKey): KindParts {
  return PARTS.get(key)!;
}

/**
 * The socket of row `key` on `fd`, of the row's protocol unless `protocol` names another, with
 * the stream options `options` gives (validated). A passive socket's connections are of the
 * active row of its family and type, and get those options unless acceptConnection says
 * otherwise.
 */
function socketOf<K extends KindKey>(key: K, fd: number, ipv6: boolean, options: ActiveStreamOptions, protocol?: string): SocketClassTable[K] {
  const row: KindRow<SocketClassTable[K]> = KIND_TABLE[key];
  const [family, type, connect] = partsOf(key);
  const arg = connect === 'passive' ? { Class: KIND_TABLE[`${family} ${type} active` as KindKey].Class, defaults: acceptDefaults(options) } : options;
  return new row.Class(fd, kindOf(family, ipv6, type, protocol ?? (ipv6 && row.protocol6 !== undefined ? row.protocol6 : row.protocol)), arg as ClassArg<SocketClassTable[K]>);
}

function optionError(option: string, kind: string): TypeError & { code: string } {
  return codedError('ERR_INVALID_ARG_VALUE', `The option '${option}' is not valid for ${withArticle(kind)} socket`);
}

/** Why a type has no socket of some family or connect (stream sockets have every one). */
const TYPE_LIMITS: Record<SocketTypeName, string> = {
  stream: 'stream sockets are internet or local, active or passive',
  datagram: 'datagram sockets are active only',
  seqpacket: 'seqpacket sockets are local only',
  raw: 'raw sockets are internet active only',
};

/** makeSocket's options checked against IOLib's table: the kind's key, and the backlog validated (undefined: the default). */
interface Checked {
  readonly key: KindKey;
  readonly backlog: number | undefined;
}

/** Validates the options against IOLib's table, in one place before any fd exists. */
function validateKind(options: MakeSocketOptions): Checked {
  validateObject(options, 'options');
  const familyName = options.addressFamily ?? 'internet';
  validateOneOf(familyName, 'addressFamily', ['internet', 'local', 'file']);
  const family = familyName === 'file' ? 'local' : familyName;
  const type = options.type ?? 'stream';
  validateOneOf(type, 'type', ['stream', 'datagram', 'seqpacket', 'raw']);
  const connect = options.connect ?? 'active';
  validateOneOf(connect, 'connect', ['active', 'passive']);
  const key = keyOf(family, type, connect);
  if (!key) {
    throw codedError('ERR_INVALID_ARG_VALUE', `There is no ${family} ${type} ${connect} socket: ${TYPE_LIMITS[type]}`);
  }
  // Over the options given only: a loop over every option name would cost a keyed lookup each.
  // Values are checked over for...in's keys, so inherited ones are too (later code reads them).
  const allowed = OPTION_SETS.get(key)!;
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.has(name)) throw optionError(name, key);
  }
  for (const name in options) {
    const value = options[name as keyof MakeSocketOptions];
    if (value === undefined) continue;
    if (BOOLEAN_OPTIONS.has(name)) validateBoolean(value, name);
    else if (STRING_OPTIONS.has(name) && typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  }
  validateTimeout(options.timeout, 'timeout');
  validateSignal(options.signal, 'signal');
  streamSizes(options);
  return { key, backlog: options.backlog === undefined ? undefined : validateBacklog(options.backlog) };
}

const SOCK_TYPES: Record<SocketTypeName, number> = {
  stream: C.SOCK_STREAM, datagram: C.SOCK_DGRAM, seqpacket: C.SOCK_SEQPACKET, raw: C.SOCK_RAW,
};

/** socket(2) for a kind; returns the fd. */
function openFd(domain: number, type: SocketTypeName, protocol = 0): number {
  return check(native.socket(domain, SOCK_TYPES[type], protocol), 'socket');
}

type Settable = { readonly ipv6: boolean; setOption(name: string, value: unknown): void; close(o?: { abort?: boolean }): Promise<void> };

/**
 * Applies makeSocket's socket options through the option table. `binding`: SO_REUSEADDR is set
 * unless `reuseAddress` is false; `reuseNow` false leaves it for after the bind.
 */
function applyOptions(socket: Settable, options: MakeSocketOptions, binding: boolean, reuseNow = true): void {
  if (reuseNow && (options.reuseAddress ?? binding)) socket.setOption('reuseAddress', true);
  if (options.reusePort !== undefined) socket.setOption('reusePort', options.reusePort);
  if (options.ipv6Only !== undefined) {
    if (!socket.ipv6) {
      if (options.ipv6Only) throw invalidArgValue('ipv6Only', true, 'needs an IPv6 socket (an IPv6 localHost, or ipv6: true)');
    } else socket.setOption('ipv6V6Only', options.ipv6Only);
  }
  if (options.keepalive !== undefined) socket.setOption('keepAlive', options.keepalive);
  if (options.nodelay !== undefined) socket.setOption('tcpNodelay', options.nodelay);
  if (options.broadcast !== undefined) socket.setOption('broadcast', options.broadcast);
  if (options.interface !== undefined) socket.setOption('bindToDevice', options.interface);
}

/** Closes `socket` if `setup` fails, and rethrows. */
async function guarded<T extends Settable>(socket: T, setup: (s: T) => Promise<void> | void): Promise<T> {
  try {
    await setup(socket);
    return socket;
  } catch (err) {
    await socket.close({ abort: true });
    throw err;
  }
}

function ipv6For(host: InetAddress | undefined, ipv6: boolean | undefined): boolean {
  if (ipv6 !== undefined) return ipv6;
  return host instanceof Ipv6Address;
}

function checkFamily(host: InetAddress, ipv6: boolean | undefined, name: string): void {
  if (ipv6 === false && host instanceof Ipv6Address) throw invalidArgValue(name, host.toString(), 'is an IPv6 address but ipv6 is false');
}

/** The kinds made so far: by family, type, IPv6 or not, and protocol (no key string built per socket). */
const KINDS = new Map<string, Map<string, [Map<string, SocketKind>, Map<string, SocketKind>]>>();

/** The shared, frozen description of a kind of socket. */
function kindOf(family: 'internet' | 'local', ipv6: boolean, type: SocketTypeName, protocol: string): SocketKind {
  let types = KINDS.get(family);
  if (!types) KINDS.set(family, (types = new Map()));
  let versions = types.get(type);
  if (!versions) types.set(type, (versions = [new Map(), new Map()]));
  const protocols = versions[ipv6 ? 1 : 0];
  let kind = protocols.get(protocol);
  if (!kind) {
    kind = Object.freeze({ addressFamily: family, ipv6, type, protocol });
    protocols.set(protocol, kind);
  }
  return kind;
}

/**
 * Makes a socket, IOLib's make-socket: resolves once it is connected (active with a remote
 * end), bound, or listening (passive). The options select the class ({@link SocketFor}).
 *
 * `addressFamily`, `type` and `connect` pick the class; every other option must be one the
 * kind takes, else a TypeError (ERR_INVALID_ARG_VALUE) names the option and the kind. Besides
 * `addressFamily`, `type`, `connect`, `inputBufferSize`, `outputBufferSize`, `timeout` and
 * `signal`, each kind takes:
 *
 * | kind (class) | options |
 * |---|---|
 * | internet stream active ({@link SocketStreamInternetActive}) | `remoteHost`, `remotePort`, `localHost`, `localPort`, `ipv6`, `interface`, `reuseAddress`, `reusePort`, `ipv6Only`, `keepalive`, `nodelay`, `encoding`, `allowHalfOpen` |
 * | internet stream passive ({@link SocketStreamInternetPassive}) | `localHost`, `localPort`, `ipv6`, `interface`, `reuseAddress`, `reusePort`, `ipv6Only`, `backlog`, `nodelay`, `encoding`, `allowHalfOpen` |
 * | local stream active ({@link SocketStreamLocalActive}) | `remoteFilename`, `localFilename`, `abstract`, `encoding`, `allowHalfOpen` |
 * | local stream passive ({@link SocketStreamLocalPassive}) | `localFilename` (required), `abstract`, `backlog`, `reuseAddress`, `encoding`, `allowHalfOpen` |
 * | local seqpacket active ({@link SocketSeqpacketLocalActive}) | `remoteFilename`, `localFilename`, `abstract`, `allowHalfOpen` |
 * | local seqpacket passive ({@link SocketSeqpacketLocalPassive}) | `localFilename` (required), `abstract`, `backlog`, `reuseAddress`, `allowHalfOpen` |
 * | internet datagram active ({@link SocketDatagramInternetActive}) | `remoteHost`, `remotePort`, `localHost`, `localPort`, `ipv6`, `interface`, `reuseAddress`, `reusePort`, `ipv6Only`, `broadcast` |
 * | local datagram active ({@link SocketDatagramLocalActive}) | `remoteFilename`, `localFilename`, `abstract` |
 * | internet raw active ({@link SocketRawInternetActive}) | `remoteHost`, `localHost`, `ipv6`, `interface`, `broadcast`, `protocol` |
 *
 * @example A TCP client, connected when the promise resolves (internet stream active)
 * ```ts
 * const client = await makeSocket({ remoteHost: 'localhost', remotePort: 8080, nodelay: true });
 * ```
 * @example A TCP server on a free loopback port (internet stream passive)
 * ```ts
 * const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
 * for await (const conn of server) conn.pipe(conn);
 * ```
 * @example A Unix stream client and server (local stream active / passive)
 * ```ts
 * const server = await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: '/tmp/app.sock' });
 * const client = await makeSocket({ addressFamily: 'local', remoteFilename: '/tmp/app.sock' });
 * ```
 * @example A seqpacket server and client: records keep their boundaries (local seqpacket)
 * ```ts
 * const server = await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: 'rec', abstract: true });
 * const client = await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: 'rec', abstract: true });
 * ```
 * @example A UDP socket bound to a port, and one connected to a peer (internet datagram active)
 * ```ts
 * const receiver = await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 5353 });
 * const sender = await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: 5353 });
 * sender.write(Buffer.from('ping'));
 * ```
 * @example A Unix datagram socket bound to a name (local datagram active)
 * ```ts
 * const sink = await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: '/tmp/log.sock' });
 * for await (const { data, filename } of sink) console.log(filename, String(data));
 * ```
 * @example An ICMP socket (internet raw active; needs CAP_NET_RAW)
 * ```ts
 * const icmp = await makeSocket({ type: 'raw', protocol: 'icmp', remoteHost: '127.0.0.1' });
 * ```
 */
export function makeSocket<const O extends MakeSocketOptions = {}>(options?: O): Promise<SocketFor<O>>;
export function makeSocket(options: MakeSocketOptions = {}): Promise<AnySocket> {
  // Not async: the caller gets the promise the socket's setup resolves. Each promise resolved
  // with a socket looks `then` up along the socket's whole prototype chain, and each async
  // level around another adds microtask turns.
  try {
    const { key, backlog } = validateKind(options);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    let made: Promise<AnySocket>;
    switch (key) {
      case 'internet stream active':
      case 'internet datagram active':
        made = makeInternetActive(key, options);
        break;
      case 'internet stream passive': made = makeInternetPassive(options, backlog); break;
      case 'internet raw active': made = makeRawSocket(options); break;
      default: made = makeLocalSocket(key, options, backlog);
    }
    return signal ? unlessAborted(made, signal) : made;
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * `made`, unless `signal` aborted while it was being made (a connect that completed at once, a
 * step that does not watch the signal): then the socket is closed and the promise rejects
 * with AbortError, as every wait the signal bounds does.
 */
async function unlessAborted(made: Promise<AnySocket>, signal: AbortSignal): Promise<AnySocket> {
  const socket = await made;
  if (!signal.aborted) return socket;
  await socket.close({ abort: true });
  throw abortError(signal);
}

/** The local address (the first a name has, of the family `ipv6` allows) and port to bind. */
async function localEndpoint(options: MakeSocketOptions, protocol: 'tcp' | 'udp' | 'any'): Promise<{ host: InetAddress | undefined; port: number }> {
  if (options.localHost === undefined) return { host: undefined, port: resolvePort(options.localPort, 'localPort', protocol) };
  const { hosts: [host], port } = await resolveEndpoint(options.localHost, options.localPort, options.ipv6 === false ? false : undefined, protocol, ['localHost', 'localPort']);
  checkFamily(host!, options.ipv6, 'localHost');
  return { host, port };
}

async function makeInternetPassive(options: MakeSocketOptions, backlog: number | undefined): Promise<SocketStreamInternetPassive> {
  const { host: local, port } = await localEndpoint(options, 'tcp');
  const ipv6 = ipv6For(local, options.ipv6);
  const fd = openFd(ipv6 ? C.AF_INET6 : C.AF_INET, 'stream');
  const socket = socketOf('internet stream passive', fd, ipv6, options);
  return guarded(socket, (s) => {
    applyOptions(s, options, true);
    s._bindInet(local ?? (ipv6 ? IPV6_UNSPECIFIED : IPV4_UNSPECIFIED), port);
    s._listen(backlog);
  });
}

type InetActive = SocketStreamInternetActive | SocketDatagramInternetActive;

/** An active socket's local end when it binds none. */
const NO_LOCAL_END = { host: undefined, port: 0 } as const;

/** May throw synchronously, as may what it calls (makeSocket rejects with that). */
function makeInternetActive(key: 'internet stream active' | 'internet datagram active', options: MakeSocketOptions): Promise<InetActive> {
  const protocol = KIND_TABLE[key].protocol as 'tcp' | 'udp';
  if (options.localHost === undefined && options.localPort === undefined) return activeFrom(key, options, NO_LOCAL_END, false);
  return localEndpoint(options, protocol).then((end) => activeFrom(key, options, end, true));
}

/** makeInternetActive once the local end (if any) is known. */
function activeFrom(
  key: 'internet stream active' | 'internet datagram active',
  options: MakeSocketOptions,
  { host: local, port: localPort }: { host: InetAddress | undefined; port: number },
  binding: boolean,
): Promise<InetActive> {
  const type = partsOf(key)[1];
  const protocol = KIND_TABLE[key].protocol as 'tcp' | 'udp';
  const make = (ipv6: boolean) => socketOf(key, openFd(ipv6 ? C.AF_INET6 : C.AF_INET, type), ipv6, options);
  // SO_REUSEADDR lets UDP sockets share a port, and a port-0 bind made with it may be handed a
  // port another such socket holds, whose unicast datagrams it then takes. A datagram socket
  // on a kernel-chosen port therefore gets it only once bound (others may still join it there).
  const reuseAfterBind = type === 'datagram' && localPort === 0;
  const setup = (s: InetActive) => {
    applyOptions(s, options, binding, !reuseAfterBind);
    if (binding) {
      s._bindInet(local ?? (s.ipv6 ? IPV6_UNSPECIFIED : IPV4_UNSPECIFIED), localPort);
      if (reuseAfterBind && options.reuseAddress !== false) s.setOption('reuseAddress', true);
    }
  };
  if (options.remoteHost === undefined) {
    if (options.remotePort !== undefined) throw invalidArgValue('remotePort', options.remotePort, 'needs remoteHost');
    return guarded(make(ipv6For(local, options.ipv6)), setup);
  }
  const preference = options.ipv6 === false ? false : options.ipv6 === true ? undefined : local ? (local instanceof Ipv6Address ? 'only' : false) : undefined;
  // A literal address needs no look-up (and no trip through the microtask queue).
  const remote = resolveEndpoint(options.remoteHost, options.remotePort, preference, protocol, ['remoteHost', 'remotePort'], true, options.signal);
  // A socket per address: each may be of another family. The timeout starts once the name is resolved.
  const connect = ({ hosts, port: remotePort }: ResolvedEndpoint) => {
    const deadline = deadlineAfter(options.timeout);
    return connectToEach(hosts, (host) => {
      checkFamily(host, options.ipv6, 'remoteHost');
      const ipv6 = options.ipv6 ?? (local ? local instanceof Ipv6Address : host instanceof Ipv6Address);
      return guarded(make(ipv6), async (s) => {
        setup(s);
        await s._connectRaw(s._inetArgs(host, remotePort, 'connect'), deadline, { timeout: remaining(deadline), signal: options.signal });
      });
    });
  };
  return remote instanceof Promise ? remote.then(connect) : connect(remote);
}

async function makeRawSocket(options: MakeSocketOptions): Promise<SocketRawInternetActive> {
  const local = options.localHost === undefined ? undefined : (await localEndpoint(options, 'any')).host;
  let remote: InetAddress | undefined;
  if (options.remoteHost !== undefined) {
    [remote] = await resolveHost(options.remoteHost, options.ipv6 === false ? false : undefined, 'remoteHost');
    checkFamily(remote!, options.ipv6, 'remoteHost');
  }
  const ipv6 = options.ipv6 ?? (local ? local instanceof Ipv6Address : remote instanceof Ipv6Address);
  const row = KIND_TABLE['internet raw active'];
  const proto = options.protocol ?? (ipv6 ? row.protocol6! : row.protocol);
  const { number, name } = lookupProtocolNumber(proto, 'protocol');
  const fd = openFd(ipv6 ? C.AF_INET6 : C.AF_INET, 'raw', number);
  const socket = socketOf('internet raw active', fd, ipv6, options, name);
  return guarded(socket, async (s) => {
    applyOptions(s, options, false);
    if (local) s._bindInet(local, 0);
    if (remote) {
      await s._connectRaw(s._inetArgs(remote, 0, 'connect'), undefined, {});
    }
  });
}

type LocalActiveKey = 'local stream active' | 'local datagram active' | 'local seqpacket active';
type LocalPassiveKey = 'local stream passive' | 'local seqpacket passive';
type LocalActive = SocketClassTable[LocalActiveKey];

async function makeLocalSocket(key: LocalActiveKey | LocalPassiveKey, options: MakeSocketOptions, backlog: number | undefined): Promise<AnySocket> {
  const abstract = options.abstract === true;
  // Checked before any fd exists, and under the option's own name (bindAddress names 'address').
  if (options.localFilename !== undefined) localSockaddr(options.localFilename, abstract, 'localFilename');
  const fd = openFd(C.AF_UNIX, partsOf(key)[1]);
  if (key === 'local stream passive' || key === 'local seqpacket passive') {
    if (options.localFilename === undefined) {
      native.closeFd(fd);
      throw invalidArgValue('localFilename', undefined, 'is required for a passive local socket');
    }
    const socket = socketOf(key, fd, false, options);
    return guarded(socket, async (s) => {
      if (!abstract) await removeStaleSocketFile(options.localFilename!);
      s.bindAddress(options.localFilename!, { abstract });
      if (!abstract) ownFileCreated(s, options.localFilename!);
      s._listen(backlog);
    });
  }
  const socket = socketOf(key, fd, false, options);
  return guarded(socket, async (s) => {
    if (options.localFilename !== undefined) {
      s.bindAddress(options.localFilename, { abstract });
      if (!abstract) ownFileCreated(s, options.localFilename);
    }
    if (options.remoteFilename !== undefined) {
      const sa = localSockaddr(options.remoteFilename, abstract, 'remoteFilename');
      await s._connectRaw(sa, deadlineAfter(options.timeout), { timeout: options.timeout, signal: options.signal });
    }
  });
}

/**
 * Removes a socket file left behind by a dead listener: only a socket file, and only when a
 * connect to it is refused (nothing listens there).
 */
async function removeStaleSocketFile(path: string): Promise<void> {
  let isSocket = false;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) return;
  const fd = check(native.socket(C.AF_UNIX, C.SOCK_STREAM, 0), 'socket');
  const probe = H.open(fd, null);
  try {
    const r = H.connect(probe, ...localSockaddr(path, false));
    if (r === -C.ECONNREFUSED) unlinkSync(path);
    else if (r === 0 || r === -C.EAGAIN || r === -C.EINPROGRESS) throw new SocketAddressInUseError('EADDRINUSE', 'bind', `bind EADDRINUSE ${path} (a listener is there)`);
  } finally {
    H.close(probe);
  }
}

/** Options of {@link makeSocketPair}. */
export interface SocketPairOptions extends ActiveStreamOptions {
  /** 'stream' (default), 'datagram' or 'seqpacket'. */
  type?: 'stream' | 'datagram' | 'seqpacket' | undefined;
  /** The protocol number (default 0). */
  protocol?: number | undefined;
}

const PAIR_OPTIONS = ['type', 'protocol', 'inputBufferSize', 'outputBufferSize', 'encoding', 'allowHalfOpen'];

/** The class of each socket makeSocketPair gives for options of type `O` (stream by default). */
export type SocketPairFor<O extends SocketPairOptions> = SocketClassTable[`local ${OptionValue<O, 'type', 'stream'> & string} active` & keyof SocketClassTable];

/** Two connected local sockets (socketpair(2)), of the class `options.type` selects. */
export function makeSocketPair<const O extends SocketPairOptions = {}>(options?: O): [SocketPairFor<O>, SocketPairFor<O>];
export function makeSocketPair(options: SocketPairOptions = {}): [LocalActive, LocalActive] {
  validateObject(options, 'options');
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !PAIR_OPTIONS.includes(name)) throw invalidArgValue(`options.${name}`, value, 'is not an option of makeSocketPair');
  }
  const type = options.type ?? 'stream';
  validateOneOf(type, 'type', ['stream', 'datagram', 'seqpacket']);
  if (options.protocol !== undefined) validateInteger(options.protocol, 'protocol', 0);
  streamSizes(options);
  const fds = checkData<[number, number]>(native.socketpair(C.AF_UNIX, SOCK_TYPES[type], options.protocol ?? 0), 'socketpair');
  const key: LocalActiveKey = `local ${type} active`;
  let first: LocalActive;
  try {
    first = socketOf(key, fds[0], false, options);
  } catch (err) {
    native.closeFd(fds[1]);
    throw err;
  }
  const second = socketOf(key, fds[1], false, options);
  // A socketpair is connected from the start; message sockets take note as after a connect.
  if (type !== 'stream') for (const s of [first, second]) s._onConnected();
  return [first, second];
}

/** Options of {@link makeSocketFromFd}. */
export interface FromFdOptions extends ActiveStreamOptions {
  /** Overrides what SO_ACCEPTCONN says. */
  connect?: 'active' | 'passive' | undefined;
}

const TYPE_BY_NUMBER = new Map<number, SocketTypeName>(Object.entries(SOCK_TYPES).map(([k, v]) => [v, k as SocketTypeName]));

/**
 * Wraps an existing socket fd, learning its family, type and whether it listens from the
 * kernel (SO_DOMAIN, SO_TYPE, SO_ACCEPTCONN). The socket takes ownership of the fd.
 */
export function makeSocketFromFd(fd: number, options: FromFdOptions = {}): AnySocket {
  validateInteger(fd, 'fd', 0, 0x7fffffff);
  validateObject(options, 'options');
  if (options.connect !== undefined) validateOneOf(options.connect, 'options.connect', ['active', 'passive']);
  streamSizes(options);
  if (native.fdOwned(fd)) throw invalidArgValue('fd', fd, 'is already owned by an iolib socket');
  const probe = H.open(fd, null, false);
  let domain: number, typeNumber: number, listening: boolean, protocolNumber: number;
  try {
    const int = (level: number, name: number) => {
      const r = H.getsockopt(probe, level, name, 4);
      // The probe is not a socket of ours: EBADF is about `fd` itself.
      if (r === -C.EBADF) throw socketErrorFor('EBADF', 'getsockopt', `(fd: ${fd} is not an open file descriptor)`);
      return checkData<Buffer>(r, 'getsockopt').readInt32LE(0);
    };
    typeNumber = int(C.SOL_SOCKET, C.SO_TYPE);
    domain = C.SO_DOMAIN !== undefined ? int(C.SOL_SOCKET, C.SO_DOMAIN) : domainFromName(probe);
    listening = int(C.SOL_SOCKET, C.SO_ACCEPTCONN) !== 0;
    protocolNumber = C.SO_PROTOCOL !== undefined ? int(C.SOL_SOCKET, C.SO_PROTOCOL) : 0;
  } finally {
    H.close(probe);
  }
  const type = TYPE_BY_NUMBER.get(typeNumber);
  const family = domain === C.AF_UNIX ? 'local' : domain === C.AF_INET || domain === C.AF_INET6 ? 'internet' : undefined;
  if (!type || !family) throw invalidArgValue('fd', fd, `is a socket of a family or type iolib does not handle (domain ${domain}, type ${typeNumber})`);
  check(native.adoptFd(fd), 'fcntl');
  const connect = options.connect ?? (listening ? 'passive' : 'active');
  const key = keyOf(family, type, connect);
  if (!key) throw invalidArgValue('options.connect', connect, `does not fit ${withArticle(`${family} ${type}`)} socket`);
  // A raw socket's protocol is the kernel's; every other kind's is its row's.
  const protocol = type === 'raw' ? lookupProtocolNumber(protocolNumber, 'protocol').name : undefined;
  const socket: AnySocket = socketOf(key, fd, domain === C.AF_INET6, options, protocol);
  if ('_onConnected' in socket && socket.type !== 'stream' && socket._peer()) socket._onConnected();
  if ('_markListening' in socket && listening) socket._markListening();
  return socket;
}

function domainFromName(probe: FdHandle): number {
  const name = checkData<Sockaddr>(H.getsockname(probe), 'getsockname');
  return name[0] === 4 ? C.AF_INET : name[0] === 6 ? C.AF_INET6 : C.AF_UNIX;
}

/**
 * Makes a socket, runs `fn` with it, and closes it on every exit path (IOLib's
 * with-open-socket). The options select the socket's class as in {@link makeSocket}.
 */
export function withOpenSocket<const O extends MakeSocketOptions, R>(options: O, fn: (socket: SocketFor<O>) => Promise<R> | R): Promise<R>;
export async function withOpenSocket<R>(options: MakeSocketOptions, fn: (socket: AnySocket) => Promise<R> | R): Promise<R> {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'a function', fn);
  const socket = await makeSocket(options);
  return closedAfter(socket, fn);
}

/**
 * Runs `fn(socket)` and closes the socket whatever it does. A close that fails (its flush met a
 * reset) rejects when `fn` succeeded; when `fn` threw, its error is the one that goes on.
 */
async function closedAfter<S extends { close(): Promise<void> }, R>(socket: S, fn: (socket: S) => Promise<R> | R): Promise<R> {
  let result: R;
  try {
    result = await fn(socket);
  } catch (err) {
    await socket.close().catch(() => {});
    throw err;
  }
  await socket.close();
  return result;
}

/** Accepts one connection, runs `fn` with it and closes it on every exit path; null when none came. */
export async function withAcceptConnection<C extends { close(): Promise<void> }, R>(
  server: { acceptConnection(o?: object): Promise<C | null> },
  options: object,
  fn: (connection: C) => Promise<R> | R,
): Promise<R | null> {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'a function', fn);
  if (server === null || typeof server !== 'object' || typeof server.acceptConnection !== 'function') throw invalidArgType('server', 'a passive socket', server);
  const conn = await server.acceptConnection(options ?? {});
  if (!conn) return null;
  return closedAfter(conn, fn);
}
