/**
 * The one internal shape of a socket address, the same both ways across the native boundary.
 * @internal
 * @module
 */

/**
 * A socket address as the native core takes and answers it: family (4, 6, 1 for local, 0 for
 * none), the address bytes (4 or 16; sun_path for local, a leading NUL for an abstract name),
 * the port and the scope id. Native calls take it spread: `H.bind(h, ...sa)`.
 */
export type Sockaddr = [family: number, bytes: Uint8Array, port: number, scopeId: number];
