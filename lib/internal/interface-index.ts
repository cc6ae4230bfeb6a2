/**
 * The one interface-name resolver (if_nametoindex): used where an IPv6 zone (`fe80::1%lo`) is
 * parsed, by the name databases' interface functions, and by multicast at the socket boundary.
 * Asked each time, nothing cached, so a renamed or new interface is seen at once. The addon is
 * loaded at the first question, not at import (see addon.ts).
 * @internal
 * @module
 */
import { addon } from '../addon.js';

/**
 * The index of the interface called `name`; 0 when there is none (or `name` could name none:
 * empty, too long, with a NUL); -errno when the look-up itself failed.
 */
export function interfaceIndexOf(name: string): number {
  const native = addon();
  const r = native.ifNameToIndex(name);
  return r === -native.constants.ENODEV || r === -native.constants.ENXIO ? 0 : r;
}
