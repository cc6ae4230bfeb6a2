/**
 * Recipe: address arithmetic with iolib/address, no sockets. Splits a network into equal
 * subnets and prints each one's range (the plan a subnet calculator makes), then answers the
 * questions such a plan is for: which subnet holds an address, are two hosts on the same one,
 * what kind of address is this. IPv6 prefixes work the same way, with bigint counts.
 *
 * Usage: node subnet-calculator.js [NETWORK] [NEW_PREFIX]   (default 192.168.0.0/22 into /24s)
 */
import {
  Ipv4Address, Ipv4Network, Ipv6Network, inNetwork, inSameNetwork, inetAddressType, integerToDotted, isPrivate,
  networkClass, ensureAddress,
} from 'node-iolib/address';

const network = new Ipv4Network(process.argv[2] ?? '192.168.0.0/22');
const newPrefix = Number(process.argv[3] ?? 24);
if (!Number.isInteger(newPrefix) || newPrefix < network.prefixLength || newPrefix > 30) {
  console.error(`NEW_PREFIX must be an integer from ${network.prefixLength} to 30`);
  process.exit(2);
}

console.log(`${network} (class ${networkClass(network.address).toUpperCase()}, ${isPrivate(network.address) ? 'private' : 'public'}): ` +
  `netmask ${network.netmask}, ${network.addressCount} addresses, broadcast ${network.broadcast}`);

// Each subnet starts where the last one's addresses end: integer arithmetic on toInteger().
const size = 2 ** (32 - newPrefix);
const subnets: Ipv4Network[] = [];
for (let start = network.address.toInteger(); start <= network.broadcast.toInteger(); start += size) {
  subnets.push(new Ipv4Network(integerToDotted(start), newPrefix));
}
console.log(`split into ${subnets.length} x /${newPrefix} (${size - 2} hosts each):`);
for (const s of subnets) {
  const first = integerToDotted(s.address.toInteger() + 1);
  const last = integerToDotted(s.broadcast.toInteger() - 1);
  console.log(`  ${s.toString().padEnd(18)} hosts ${first} - ${last}, broadcast ${s.broadcast}`);
}

// Questions the plan answers.
const host = new Ipv4Address([192, 168, 2, 77]);
const home = subnets.find((s) => s.contains(host));
console.log(`${host} is in ${home ?? 'none of them'}`);
console.log(`192.168.1.10 and 192.168.1.200 share a /${newPrefix}: ${inSameNetwork('192.168.1.10', '192.168.1.200', subnets[1] ?? network)}`);
console.log(`10.0.0.1 is in ${network}: ${inNetwork('10.0.0.1', network)}`);

// IPv6: the same questions, RFC 5952 text, bigint counts.
const v6 = new Ipv6Network('2001:DB8:0:8000::/49');
const address = ensureAddress('2001:db8:0:8001::1');
console.log(`${v6}: ${v6.addressCount} addresses; ${address} is in it: ${v6.contains(address)}; ` +
  `kind ${JSON.stringify(inetAddressType(address))}`);
