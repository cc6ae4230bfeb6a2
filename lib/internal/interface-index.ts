/**
 * The one interface-name resolver (if_nametoindex): used where an IPv6 zone (`fe80::1%lo`) is
 * parsed, by the name databases' interface functions, and by multicast at the socket boundary.
 * Asked each time, nothing cached, so a renamed or new interface is seen at once.
 * @internal
 * @module
 */
import { native, C } from '../native.js';

/**
 * The index of the interface called `name`; 0 when there is none (or `name` could name none:
 * empty, too long, with a NUL); -errno when the look-up itself failed.
 */
export function interfaceIndexOf(name: string): number {
  const r = native.ifNameToIndex(name);
  return r === -C.ENODEV || r === -C.ENXIO ? 0 : r;
}
