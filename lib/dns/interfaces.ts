/**
 * Network interfaces by name and index (IOLib's interface functions): if_nametoindex,
 * if_indextoname and if_nameindex.
 * @module
 */
import { dnsNative } from './binding.js';
import { syscallError } from '../internal/errno.js';
import { interfaceIndexOf } from '../internal/interface-index.js';
import { UnknownInterfaceError } from './errors.js';
import { invalidArgType, validateInteger, validateString } from '../internal/validate.js';

/** A network interface: its name and its index (IOLib's `(name . index)`). */
export interface NetworkInterface {
  /** The interface's name ('lo'). */
  readonly name: string;
  /** The interface's index (1 for lo on Linux). */
  readonly index: number;
}

/** What names an interface: an interface object, its name or its index. */
export type InterfaceDesignator = NetworkInterface | string | number;

const MAX_INDEX = 0xffffffff;

/**
 * IOLib's `make-interface`: an interface object from a name and an index, as given (no
 * look-up; see {@link lookupInterface} for one that checks).
 */
export function makeInterface(name: string, index: number): NetworkInterface {
  validateString(name, 'name');
  validateInteger(index, 'index', 0, MAX_INDEX);
  return Object.freeze({ name, index });
}

function isInterface(x: unknown): x is NetworkInterface {
  return typeof x === 'object' && x !== null && typeof (x as NetworkInterface).name === 'string' && typeof (x as NetworkInterface).index === 'number';
}

function indexOfName(name: string): number {
  const r = interfaceIndexOf(name);
  if (r === 0) throw new UnknownInterfaceError(name, 'if_nametoindex');
  if (r < 0) throw syscallError(r, 'if_nametoindex');
  return r;
}

function nameOfIndex(index: number): string {
  const r = dnsNative.ifIndexToName(index);
  if (typeof r === 'number') {
    const err = syscallError(r, 'if_indextoname');
    if (err.code === 'ENODEV' || err.code === 'ENXIO') throw new UnknownInterfaceError(index, 'if_indextoname');
    throw err;
  }
  return r;
}

/**
 * IOLib's `lookup-interface`: the interface with this name or index, checked against the
 * system. Throws {@link UnknownInterfaceError} (code ENXIO) when there is none.
 * @example lookupInterface('lo') // { name: 'lo', index: 1 }
 */
export function lookupInterface(nameOrIndex: string | number | NetworkInterface): NetworkInterface {
  if (isInterface(nameOrIndex)) nameOrIndex = nameOrIndex.name;
  if (typeof nameOrIndex === 'string') {
    return makeInterface(nameOrIndex, indexOfName(nameOrIndex));
  }
  if (typeof nameOrIndex === 'number') {
    validateInteger(nameOrIndex, 'nameOrIndex', 0, MAX_INDEX);
    return makeInterface(nameOfIndex(nameOrIndex), nameOrIndex);
  }
  throw invalidArgType('nameOrIndex', 'an interface name, an index or an interface object', nameOrIndex);
}

/**
 * IOLib's `interface-index`: an interface object's index; for a name, the index of the
 * interface so named (if_nametoindex); an index is checked and returned.
 * Throws {@link UnknownInterfaceError} when there is no such interface.
 */
export function interfaceIndex(i: InterfaceDesignator): number {
  if (isInterface(i)) return i.index;
  return lookupInterface(i).index;
}

/**
 * IOLib's `interface-name`: an interface object's name; for an index, the name of the
 * interface with that index (if_indextoname); a name is checked and returned.
 * Throws {@link UnknownInterfaceError} when there is no such interface.
 */
export function interfaceName(i: InterfaceDesignator): string {
  if (isInterface(i)) return i.name;
  return lookupInterface(i).name;
}

/** IOLib's `list-network-interfaces`: every interface (if_nameindex), by index. */
export function listNetworkInterfaces(): NetworkInterface[] {
  const r = dnsNative.ifNameIndex();
  if (typeof r === 'number') throw syscallError(r, 'if_nameindex');
  return r.map(([index, name]) => makeInterface(name, index)).sort((a, b) => a.index - b.index);
}
