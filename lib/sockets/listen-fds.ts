/**
 * listenFds(): sockets passed by systemd socket activation (sd_listen_fds(3)).
 * @module
 */
import { invalidArgValue, validateBoolean, validateObject } from '../internal/validate.js';
import { SocketError } from '../errors.js';
import { streamSizes } from './active.js';
import { makeSocketFromFd, type AnySocket, type FromFdOptions } from './make-socket.js';

/** The first fd systemd passes (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

/** Options of {@link listenFds}. */
export interface ListenFdsOptions extends Omit<FromFdOptions, 'connect'> {
  /**
   * Remove LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from the environment (default true), so
   * child processes do not take the fds for theirs.
   */
  unsetEnvironment?: boolean | undefined;
}

/** One fd passed by the service manager. */
export interface ListenFd {
  /** The fd number (3, 4, ...). */
  fd: number;
  /** Its name from LISTEN_FDNAMES (FileDescriptorName=), 'unknown' when none was given. */
  name: string;
  /** The fd as an iolib socket (it owns the fd), or null when the fd is not a socket iolib handles (a FIFO, a netlink socket). */
  socket: AnySocket | null;
}

/**
 * The fds systemd passed to this process, as sd_listen_fds_with_names(3) finds them: none
 * unless LISTEN_PID is this process's pid; then LISTEN_FDS of them from fd 3, named by
 * LISTEN_FDNAMES. Each socket becomes an iolib socket (listening ones passive, as
 * makeSocketFromFd decides), so a unit with `Accept=no` serves through iolib:
 *
 * ```ts
 * const [{ socket }] = listenFds();
 * serve(http.createServer(handler), socket as SocketStreamInternetPassive);
 * ```
 */
export function listenFds(options: ListenFdsOptions = {}): ListenFd[] {
  validateObject(options, 'options');
  const { unsetEnvironment = true, ...fromFd } = options;
  validateBoolean(unsetEnvironment, 'options.unsetEnvironment');
  streamSizes(fromFd);
  const env = process.env;
  const pid = env['LISTEN_PID'];
  const count = env['LISTEN_FDS'];
  const names = env['LISTEN_FDNAMES'];
  if (unsetEnvironment) {
    delete env['LISTEN_PID'];
    delete env['LISTEN_FDS'];
    delete env['LISTEN_FDNAMES'];
  }
  if (pid === undefined || count === undefined) return [];
  if (!/^[1-9][0-9]*$/.test(pid)) throw invalidArgValue('LISTEN_PID', pid, 'is not a process id');
  if (Number(pid) !== process.pid) return [];
  if (!/^[0-9]+$/.test(count) || Number(count) > 0x7fffffff - LISTEN_FDS_START) throw invalidArgValue('LISTEN_FDS', count, 'is not a count of fds');
  const n = Number(count);
  const given = names === undefined ? [] : names.split(':');
  const out: ListenFd[] = [];
  for (let i = 0; i < n; i++) {
    const fd = LISTEN_FDS_START + i;
    let socket: AnySocket | null = null;
    try {
      socket = makeSocketFromFd(fd, fromFd);
    } catch (err) {
      // Not a socket (ENOTSOCK), or a family or type iolib does not handle: the caller gets the fd.
      if (!(err instanceof SocketError) && (err as { code?: string }).code !== 'ERR_INVALID_ARG_VALUE') {
        for (const o of out) void o.socket?.close();
        throw err;
      }
    }
    out.push({ fd, name: given[i] || 'unknown', socket });
  }
  return out;
}
