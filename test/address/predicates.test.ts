import { expect } from 'chai';
import {
  AddressParseError,
  IPV4_LOOPBACK,
  IPV6_INTERFACE_LOCAL_ALL_NODES,
  IPV6_LINK_LOCAL_ALL_ROUTERS,
  IPV6_LOOPBACK,
  IPV6_SITE_LOCAL_ALL_ROUTERS,
  Ipv4Address,
  Ipv6Address,
  LocalAddress,
  addressType,
  inetAddressType,
  ipv6MulticastType,
  ipv6UnicastType,
  isAbstractAddress,
  isAddress,
  isInetAddress,
  isIpv4Address,
  isIpv6Address,
  isIpv6AdminLocalMulticast,
  isIpv6GlobalMulticast,
  isIpv6GlobalUnicast,
  isIpv6InterfaceLocalMulticast,
  isIpv6Ipv4Mapped,
  isIpv6LinkLocalMulticast,
  isIpv6LinkLocalUnicast,
  isIpv6OrganizationLocalMulticast,
  isIpv6ReservedMulticast,
  isIpv6SiteLocalMulticast,
  isIpv6SiteLocalUnicast,
  isIpv6SolicitedNodeMulticast,
  isIpv6TransientMulticast,
  isIpv6UnassignedMulticast,
  isLocalAddress,
  isLoopback,
  isMulticast,
  isPrivate,
  isUnicast,
  isUnspecified,
} from '../../lib/address/index.js';
import type { InetAddressType, PredicateArgument } from '../../lib/address/index.js';

type Flags = { unspecified?: boolean; loopback?: boolean; multicast?: boolean; unicast?: boolean; private?: boolean };

/** [address, expected inet predicates, expected inetAddressType] */
const INET: [string, Flags, InetAddressType][] = [
  ['0.0.0.0', { unspecified: true }, { protocol: 'ipv4', kind: 'unspecified' }],
  ['127.0.0.1', { loopback: true }, { protocol: 'ipv4', kind: 'loopback' }],
  ['127.0.0.0', { loopback: true }, { protocol: 'ipv4', kind: 'loopback' }],
  ['127.255.255.255', { loopback: true }, { protocol: 'ipv4', kind: 'loopback' }],
  ['127.1.2.3', { loopback: true }, { protocol: 'ipv4', kind: 'loopback' }], // IOLib: only 127.0.0.1
  ['126.255.255.255', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['128.0.0.0', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['224.0.0.0', { multicast: true }, { protocol: 'ipv4', kind: 'multicast' }],
  ['224.0.0.251', { multicast: true }, { protocol: 'ipv4', kind: 'multicast' }],
  ['239.255.255.255', { multicast: true }, { protocol: 'ipv4', kind: 'multicast' }],
  ['223.255.255.255', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['240.0.0.0', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }], // IOLib: multicast
  ['255.255.255.254', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['255.255.255.255', {}, { protocol: 'ipv4', kind: 'broadcast' }],
  ['10.0.0.0', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['10.255.255.255', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['11.0.0.0', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['9.255.255.255', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['172.16.0.0', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['172.31.255.255', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['172.15.255.255', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['172.32.0.0', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['192.168.0.0', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['192.168.255.255', { unicast: true, private: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['192.169.0.0', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['192.167.255.255', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['100.64.0.1', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['169.254.1.1', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['8.8.8.8', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['0.0.0.1', { unicast: true }, { protocol: 'ipv4', kind: 'unicast' }],
  ['::', { unspecified: true }, { protocol: 'ipv6', kind: 'unspecified' }],
  ['::1', { loopback: true }, { protocol: 'ipv6', kind: 'loopback' }],
  ['::2', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'global' }],
  ['::ffff:127.0.0.1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'ipv4-mapped' }],
  ['::ffff:10.0.0.1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'ipv4-mapped' }],
  ['fe80::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'link-local' }],
  ['febf:ffff::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'link-local' }],
  ['fec0::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'site-local' }],
  ['feff::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'site-local' }],
  ['fc00::1', { unicast: true, private: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'unique-local' }],
  ['fd12:3456:789a::1', { unicast: true, private: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'unique-local' }],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', { unicast: true, private: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'unique-local' }],
  ['fbff::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'global' }],
  ['fe00::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'global' }],
  ['2001:db8::1', { unicast: true }, { protocol: 'ipv6', kind: 'unicast', subtype: 'global' }],
  ['ff00::', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'reserved' }],
  ['ff01::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'interface-local' }],
  ['ff02::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'link-local' }],
  ['ff03::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'reserved' }],
  ['ff04::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'admin-local' }],
  ['ff05::2', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'site-local' }],
  ['ff06::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'unassigned' }],
  ['ff08::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'organization-local' }],
  ['ff0e::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'global' }],
  ['ff1e::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'global' }],
  ['ff3e::8000:1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'global' }],
  ['ff0f::1', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'reserved' }],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', { multicast: true }, { protocol: 'ipv6', kind: 'multicast', subtype: 'reserved' }],
];

describe('iolib/address: predicates', () => {
  describe('type predicates', () => {
    const v4 = IPV4_LOOPBACK;
    const v6 = IPV6_LOOPBACK;
    const loc = new LocalAddress('/x');
    const abs = new LocalAddress('x', true);
    it('isAddress / isInetAddress', () => {
      for (const a of [v4, v6, loc, abs]) expect(isAddress(a)).to.equal(true);
      for (const x of ['127.0.0.1', 0x7f000001, new Uint8Array(4), null, undefined, {}]) expect(isAddress(x)).to.equal(false);
      expect(isInetAddress(v4)).to.equal(true);
      expect(isInetAddress(v6)).to.equal(true);
      expect(isInetAddress(loc)).to.equal(false);
      expect(isInetAddress('::1')).to.equal(false);
    });
    it('isIpv4Address / isIpv6Address / isLocalAddress / isAbstractAddress', () => {
      expect([v4, v6, loc, abs].map(isIpv4Address)).to.deep.equal([true, false, false, false]);
      expect([v4, v6, loc, abs].map(isIpv6Address)).to.deep.equal([false, true, false, false]);
      expect([v4, v6, loc, abs].map(isLocalAddress)).to.deep.equal([false, false, true, true]);
      expect([v4, v6, loc, abs].map(isAbstractAddress)).to.deep.equal([false, false, false, true]);
      expect(isIpv4Address('1.2.3.4')).to.equal(false);
      expect(isLocalAddress('/x')).to.equal(false);
      expect(isAbstractAddress(null)).to.equal(false);
    });
    it('addressType', () => {
      expect([v4, v6, loc, abs].map(addressType)).to.deep.equal(['ipv4', 'ipv6', 'local', 'local']);
      for (const x of ['1.2.3.4', 1, null, undefined, {}, new Uint8Array(4)]) expect(addressType(x)).to.equal(null);
    });
  });

  describe('inet predicates and inetAddressType (RFC definitions)', () => {
    for (const [text, flags, type] of INET) {
      it(`${text}: ${Object.keys(flags).join(', ') || 'none'}; ${type.kind}${type.subtype ? `/${type.subtype}` : ''}`, () => {
        const a = text.includes(':') ? Ipv6Address.fromString(text) : Ipv4Address.fromString(text);
        for (const x of [text, a] as PredicateArgument[]) {
          expect(isUnspecified(x), 'unspecified').to.equal(!!flags.unspecified);
          expect(isLoopback(x), 'loopback').to.equal(!!flags.loopback);
          expect(isMulticast(x), 'multicast').to.equal(!!flags.multicast);
          expect(isUnicast(x), 'unicast').to.equal(!!flags.unicast);
          expect(isPrivate(x), 'private').to.equal(!!flags.private);
          expect(inetAddressType(x)).to.deep.equal(type);
        }
        expect(a.isUnspecified()).to.equal(!!flags.unspecified);
        expect(a.isLoopback()).to.equal(!!flags.loopback);
        expect(a.isMulticast()).to.equal(!!flags.multicast);
        expect(a.isUnicast()).to.equal(!!flags.unicast);
        if (a instanceof Ipv6Address) {
          expect(ipv6UnicastType(a)).to.equal(type.kind === 'unicast' ? type.subtype : null);
          expect(ipv6MulticastType(a)).to.equal(type.kind === 'multicast' ? type.subtype : null);
        } else {
          expect(ipv6UnicastType(a)).to.equal(null);
          expect(ipv6MulticastType(a)).to.equal(null);
        }
      });
    }
    it('inetAddressType omits subtype for IPv4 and for IPv6 unspecified/loopback', () => {
      expect(inetAddressType('10.0.0.1')).to.not.have.property('subtype');
      expect(inetAddressType('::')).to.not.have.property('subtype');
      expect(inetAddressType('::1')).to.not.have.property('subtype');
    });
    it('accepts integers and vectors as designators', () => {
      expect(isLoopback(0x7f000001)).to.equal(true);
      expect(isLoopback(new Uint8Array([127, 9, 9, 9]))).to.equal(true);
      expect(isMulticast(new Uint16Array([0xff02, 0, 0, 0, 0, 0, 0, 1]))).to.equal(true);
      expect(isUnspecified(0)).to.equal(true);
    });
    it('scoped addresses are classified by their words', () => {
      expect(isIpv6LinkLocalUnicast(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 7))).to.equal(true);
    });
    it('IPv4-mapped addresses are not looked through', () => {
      expect(isLoopback('::ffff:127.0.0.1')).to.equal(false);
      expect(isPrivate('::ffff:10.0.0.1')).to.equal(false);
      expect(isMulticast('::ffff:224.0.0.1')).to.equal(false);
    });
    it('a LocalAddress is none of the inet kinds', () => {
      const l = new LocalAddress('/x');
      for (const p of [isUnspecified, isLoopback, isMulticast, isUnicast, isPrivate, isIpv6Ipv4Mapped, isIpv6GlobalUnicast, isIpv6LinkLocalMulticast]) {
        expect(p(l)).to.equal(false);
      }
      expect(ipv6UnicastType(l)).to.equal(null);
      expect(ipv6MulticastType(l)).to.equal(null);
      expect(() => inetAddressType(l)).to.throw(TypeError);
    });
    it('invalid designators throw AddressParseError, non-designators TypeError', () => {
      for (const p of [isUnspecified, isLoopback, isMulticast, isUnicast, isPrivate, inetAddressType, isIpv6Ipv4Mapped, ipv6MulticastType]) {
        expect(() => p('0127.0.0.1')).to.throw(AddressParseError);
        expect(() => p(':::')).to.throw(AddressParseError);
        expect(() => p(null as unknown as string)).to.throw(TypeError);
        expect(() => p({} as unknown as string)).to.throw(TypeError);
      }
    });
  });

  describe('the fourteen IPv6 predicates', () => {
    const P = {
      AdminLocalMulticast: isIpv6AdminLocalMulticast,
      GlobalMulticast: isIpv6GlobalMulticast,
      GlobalUnicast: isIpv6GlobalUnicast,
      InterfaceLocalMulticast: isIpv6InterfaceLocalMulticast,
      Ipv4Mapped: isIpv6Ipv4Mapped,
      LinkLocalMulticast: isIpv6LinkLocalMulticast,
      LinkLocalUnicast: isIpv6LinkLocalUnicast,
      OrganizationLocalMulticast: isIpv6OrganizationLocalMulticast,
      ReservedMulticast: isIpv6ReservedMulticast,
      SiteLocalMulticast: isIpv6SiteLocalMulticast,
      SiteLocalUnicast: isIpv6SiteLocalUnicast,
      SolicitedNodeMulticast: isIpv6SolicitedNodeMulticast,
      TransientMulticast: isIpv6TransientMulticast,
      UnassignedMulticast: isIpv6UnassignedMulticast,
    } as const;
    type Name = keyof typeof P;
    /** address -> the predicates that are true for it (all others false) */
    const table: [string, Name[]][] = [
      ['::', []],
      ['::1', []],
      ['::2', ['GlobalUnicast']],
      ['::ffff:1.2.3.4', ['Ipv4Mapped', 'GlobalUnicast']],
      ['::ffff:0.0.0.0', ['Ipv4Mapped', 'GlobalUnicast']],
      ['::fffe:1.2.3.4', ['GlobalUnicast']],
      ['0:0:0:0:1:ffff:1.2.3.4', ['GlobalUnicast']],
      ['::1.2.3.4', ['GlobalUnicast']],
      ['2001:db8::1', ['GlobalUnicast']],
      ['fe80::1', ['LinkLocalUnicast']],
      ['fe80::', ['LinkLocalUnicast']],
      ['fe81::1', ['LinkLocalUnicast']], // IOLib: global (exact fe80 only)
      ['febf::1', ['LinkLocalUnicast']],
      ['fec0::1', ['SiteLocalUnicast', 'GlobalUnicast']],
      ['feff::1', ['SiteLocalUnicast', 'GlobalUnicast']],
      ['fe7f::1', ['GlobalUnicast']],
      ['fc00::1', ['GlobalUnicast']],
      ['fd00::1', ['GlobalUnicast']],
      ['ff00::1', ['ReservedMulticast']],
      ['ff01::1', ['InterfaceLocalMulticast']],
      ['ff02::1', ['LinkLocalMulticast']],
      ['ff02::2', ['LinkLocalMulticast']],
      ['ff03::1', ['ReservedMulticast']],
      ['ff04::1', ['AdminLocalMulticast']],
      ['ff05::2', ['SiteLocalMulticast']],
      ['ff06::1', ['UnassignedMulticast']],
      ['ff07::1', ['UnassignedMulticast']],
      ['ff08::1', ['OrganizationLocalMulticast']],
      ['ff09::1', ['UnassignedMulticast']],
      ['ff0a::1', ['UnassignedMulticast']],
      ['ff0b::1', ['UnassignedMulticast']],
      ['ff0c::1', ['UnassignedMulticast']],
      ['ff0d::1', ['UnassignedMulticast']],
      ['ff0e::1', ['GlobalMulticast']],
      ['ff0f::1', ['ReservedMulticast']],
      ['ff12::1', ['LinkLocalMulticast', 'TransientMulticast']],
      ['ff15::abcd', ['SiteLocalMulticast', 'TransientMulticast']],
      ['ff1e::1', ['GlobalMulticast', 'TransientMulticast']],
      ['ff3e::1', ['GlobalMulticast', 'TransientMulticast']],
      ['ff2e::1', ['GlobalMulticast']], // P flag alone is not transient
      ['ff72::1', ['LinkLocalMulticast', 'TransientMulticast']],
      ['ff02::1:ff00:0', ['LinkLocalMulticast', 'SolicitedNodeMulticast']],
      ['ff02::1:ff12:3456', ['LinkLocalMulticast', 'SolicitedNodeMulticast']],
      ['ff02::1:ffff:ffff', ['LinkLocalMulticast', 'SolicitedNodeMulticast']],
      ['ff02::1:fe00:1', ['LinkLocalMulticast']],
      ['ff02::2:ff00:1', ['LinkLocalMulticast']],
      ['ff02:0:0:1:0:1:ff00:1', ['LinkLocalMulticast']], // IOLib would say solicited-node
      ['ff12::1:ff00:1', ['LinkLocalMulticast', 'TransientMulticast']],
      ['ff05::1:ff00:1', ['SiteLocalMulticast']],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ['ReservedMulticast', 'TransientMulticast']],
    ];
    for (const [text, trues] of table) {
      it(`${text}: ${trues.join(', ') || 'none'}`, () => {
        const a = Ipv6Address.fromString(text);
        for (const name of Object.keys(P) as Name[]) {
          expect(P[name](a), name).to.equal(trues.includes(name));
          expect(P[name](text), name).to.equal(trues.includes(name));
        }
      });
    }
    it('every IPv6 predicate is false for IPv4 addresses (IOLib signals an error)', () => {
      for (const x of ['127.0.0.1', '224.0.0.1', '10.0.0.1', '255.255.255.255', '0.0.0.0']) {
        for (const name of Object.keys(P) as Name[]) expect(P[name](x), name).to.equal(false);
        expect(ipv6UnicastType(x)).to.equal(null);
        expect(ipv6MulticastType(x)).to.equal(null);
      }
    });
    it('the multicast constants', () => {
      expect(isIpv6InterfaceLocalMulticast(IPV6_INTERFACE_LOCAL_ALL_NODES)).to.equal(true);
      expect(isIpv6LinkLocalMulticast(IPV6_LINK_LOCAL_ALL_ROUTERS)).to.equal(true);
      expect(isIpv6SiteLocalMulticast(IPV6_SITE_LOCAL_ALL_ROUTERS)).to.equal(true);
    });
    it('exactly one multicast scope predicate holds for every multicast address', () => {
      const scopes = [isIpv6InterfaceLocalMulticast, isIpv6LinkLocalMulticast, isIpv6AdminLocalMulticast, isIpv6SiteLocalMulticast, isIpv6OrganizationLocalMulticast, isIpv6GlobalMulticast, isIpv6ReservedMulticast, isIpv6UnassignedMulticast];
      for (let flags = 0; flags < 16; flags++) {
        for (let scope = 0; scope < 16; scope++) {
          const a = new Ipv6Address(new Uint16Array([0xff00 | (flags << 4) | scope, 0, 0, 0, 0, 0, 0, 1]));
          expect(scopes.filter((p) => p(a)).length).to.equal(1);
          expect(isIpv6TransientMulticast(a)).to.equal((flags & 1) === 1);
          expect(ipv6MulticastType(a)).to.be.a('string');
          expect(ipv6UnicastType(a)).to.equal(null);
        }
      }
    });
  });
});
