/**
 * iolib/sockets: IOLib's socket class hierarchy over raw file descriptors.
 * @module
 */
export {
  Socket, ActiveSocket, PassiveSocket, StreamSocket, DatagramSocket, InternetSocket, LocalSocket,
} from './kinds.js';
export {
  SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive, SocketStreamLocalPassive,
  SocketSeqpacketLocalActive, SocketSeqpacketLocalPassive, SocketDatagramInternetActive, SocketDatagramLocalActive,
  SocketRawInternetActive,
} from './classes.js';
export {
  makeSocket, makeSocketPair, makeSocketFromFd, withOpenSocket, withAcceptConnection,
  type MakeSocketOptions, type AnySocket, type SocketPairOptions, type FromFdOptions,
  type SocketClassTable, type SocketFor, type SocketPairFor,
} from './make-socket.js';
export { serve, type ConnectionServer } from './serve.js';
export { maxBacklogSize, defaultBacklogSize } from './passive.js';
export { listenFds, LISTEN_FDS_START, type ListenFd, type ListenFdsOptions } from './listen-fds.js';
export type { NetAddress } from './sockaddr.js';
export { listSocketOptions, type RawSocketOption, type SocketOptionInfo, type SocketOptionValue, type Linger, type SocketTypeName } from './options.js';
export type { ConnectOptions, SendToOptions, ReceiveFromOptions, ReceiveFromResult, ActiveStreamOptions } from './active.js';
export type { AcceptOptions } from './passive.js';
export type { Message, MessageChunk } from './message-active.js';
export type { BindOptions } from './core.js';
export type { InetName, LocalName } from './sockaddr.js';
export type { HostDesignator, PortDesignator } from './resolve.js';
export * from '../errors.js';
// makeSocket and connect resolve host and service names: their errors come from here too.
export {
  ResolverError, ResolverAgainError, ResolverFailError, ResolverNoNameError, ResolverUnknownError, UnknownServiceError,
  UnknownProtocolError, UnknownInterfaceError,
} from '../dns/errors.js';
export type { FdSource, SendMessageOptions, ReceiveMessageOptions, ReceivedMessage, Credentials } from './fd-passing.js';
export type { MulticastOptions } from './multicast.js';
