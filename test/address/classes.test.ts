import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { inspect } from 'node:util';
import {
  Address,
  AddressParseError,
  IPV4_BROADCAST,
  IPV4_LOOPBACK,
  IPV4_UNSPECIFIED,
  IPV6_INTERFACE_LOCAL_ALL_NODES,
  IPV6_INTERFACE_LOCAL_ALL_ROUTERS,
  IPV6_LINK_LOCAL_ALL_NODES,
  IPV6_LINK_LOCAL_ALL_ROUTERS,
  IPV6_LOOPBACK,
  IPV6_SITE_LOCAL_ALL_ROUTERS,
  IPV6_UNSPECIFIED,
  InetAddress,
  Ipv4Address,
  Ipv6Address,
  LocalAddress,
  ensureAddress,
} from '../../lib/address/index.js';
import { listNetworkInterfaces, lookupInterface } from '../../lib/dns/index.js';

const HAVE_SYS = existsSync('/sys/class/net/lo/ifindex');
const LO_INDEX = HAVE_SYS ? Number(readFileSync('/sys/class/net/lo/ifindex', 'latin1').trim()) : 0;

/** An index no interface has. */
function unusedIndex(): number {
  const used = new Set<number>();
  if (existsSync('/sys/class/net')) {
    for (const n of readdirSync('/sys/class/net')) {
      try {
        used.add(Number(readFileSync(`/sys/class/net/${n}/ifindex`, 'latin1').trim()));
      } catch {
        /* ignore */
      }
    }
  }
  let i = 4000000000;
  while (used.has(i)) i++;
  return i;
}

describe('iolib/address: classes', () => {
  describe('Ipv4Address', () => {
    it('is an InetAddress and an Address', () => {
      const a = new Ipv4Address(new Uint8Array([10, 0, 0, 1]));
      expect(a).to.be.instanceOf(Ipv4Address);
      expect(a).to.be.instanceOf(InetAddress);
      expect(a).to.be.instanceOf(Address);
      expect(a.type).to.equal('ipv4');
      expect(a.toString()).to.equal('10.0.0.1');
      expect(String(a)).to.equal('10.0.0.1');
      expect(`${a}`).to.equal('10.0.0.1');
      expect(a.toInteger()).to.equal(0x0a000001);
    });
    it('copies the vector it is given', () => {
      const bytes = new Uint8Array([10, 0, 0, 1]);
      const a = new Ipv4Address(bytes);
      bytes[0] = 99;
      expect(a.toString()).to.equal('10.0.0.1');
    });
    it('name is a fresh copy each time', () => {
      const a = new Ipv4Address(new Uint8Array([10, 0, 0, 1]));
      const n = a.name;
      expect(n).to.be.instanceOf(Uint8Array);
      expect(Array.from(n)).to.deep.equal([10, 0, 0, 1]);
      n[0] = 99;
      expect(a.toString()).to.equal('10.0.0.1');
      expect(a.name).to.not.equal(a.name);
    });
    it('accepts a Buffer and a plain array', () => {
      expect(new Ipv4Address(Buffer.from([1, 2, 3, 4])).toString()).to.equal('1.2.3.4');
      expect(new Ipv4Address([1, 2, 3, 4]).toString()).to.equal('1.2.3.4');
    });
    it('refuses bad vectors', () => {
      expect(() => new Ipv4Address(new Uint8Array(3))).to.throw(TypeError);
      expect(() => new Ipv4Address(new Uint8Array(16))).to.throw(TypeError);
      expect(() => new Ipv4Address(new Uint16Array(4) as unknown as Uint8Array)).to.throw(TypeError);
      expect(() => new Ipv4Address('1.2.3.4' as unknown as Uint8Array)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => new Ipv4Address([1, 2, 3, 256])).to.throw(RangeError);
    });
    it('fromString is strict and throws AddressParseError', () => {
      expect(Ipv4Address.fromString('192.0.2.1').toString()).to.equal('192.0.2.1');
      for (const bad of ['0127.0.0.1', '127.1', '0x7f.0.0.1', '::1', '1.2.3.4%lo', '']) {
        expect(() => Ipv4Address.fromString(bad)).to.throw(AddressParseError).with.property('datum', bad);
      }
      expect(() => Ipv4Address.fromString(1 as unknown as string)).to.throw(TypeError);
    });
    it('fromInteger', () => {
      expect(Ipv4Address.fromInteger(0x80000000).toString()).to.equal('128.0.0.0');
      expect(Ipv4Address.fromInteger(0).toString()).to.equal('0.0.0.0');
      expect(Ipv4Address.fromInteger(0xffffffff).toString()).to.equal('255.255.255.255');
      expect(() => Ipv4Address.fromInteger(-1)).to.throw(RangeError);
      expect(() => Ipv4Address.fromInteger(2 ** 32)).to.throw(RangeError);
    });
    it('toInteger of 128.0.0.0 and 255.255.255.255 is positive', () => {
      expect(Ipv4Address.fromString('128.0.0.0').toInteger()).to.equal(2147483648);
      expect(IPV4_BROADCAST.toInteger()).to.equal(4294967295);
    });
    it('equals and copy', () => {
      const a = Ipv4Address.fromString('1.2.3.4');
      const b = Ipv4Address.fromString('1.2.3.4');
      expect(a.equals(b)).to.equal(true);
      expect(a.equals(Ipv4Address.fromString('1.2.3.5'))).to.equal(false);
      expect(a.equals('1.2.3.4')).to.equal(false);
      expect(a.equals(null)).to.equal(false);
      expect(a.equals(Ipv6Address.fromString('::ffff:1.2.3.4'))).to.equal(false);
      const c = a.copy();
      expect(c).to.not.equal(a);
      expect(c).to.be.instanceOf(Ipv4Address);
      expect(c.equals(a)).to.equal(true);
    });
    it('methods: isLoopback, isMulticast, isUnicast, isUnspecified', () => {
      expect(Ipv4Address.fromString('127.5.5.5').isLoopback()).to.equal(true);
      expect(Ipv4Address.fromString('239.1.1.1').isMulticast()).to.equal(true);
      expect(Ipv4Address.fromString('8.8.4.4').isUnicast()).to.equal(true);
      expect(Ipv4Address.fromString('0.0.0.0').isUnspecified()).to.equal(true);
      expect(Ipv4Address.fromString('0.0.0.0').isUnicast()).to.equal(false);
    });
    it('JSON and inspect show the text', () => {
      const a = Ipv4Address.fromString('1.2.3.4');
      expect(JSON.stringify({ a })).to.equal('{"a":"1.2.3.4"}');
      expect(inspect(a)).to.contain('1.2.3.4');
      expect(inspect(a)).to.contain('Ipv4Address');
    });
  });

  describe('Ipv6Address', () => {
    it('is an InetAddress with words and a scope id', () => {
      const a = new Ipv6Address(new Uint16Array([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
      expect(a).to.be.instanceOf(InetAddress);
      expect(a.type).to.equal('ipv6');
      expect(a.scopeId).to.equal(0);
      expect(a.toString()).to.equal('2001:db8::1');
      const n = a.name;
      expect(n).to.be.instanceOf(Uint16Array);
      expect(Array.from(n)).to.deep.equal([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
      n[0] = 0;
      expect(a.toString()).to.equal('2001:db8::1');
    });
    it('copies the vector it is given', () => {
      const w = new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const a = new Ipv6Address(w);
      w[0] = 0xffff;
      expect(a.toString()).to.equal('1:2:3:4:5:6:7:8');
    });
    it('refuses bad vectors and scope ids', () => {
      expect(() => new Ipv6Address(new Uint16Array(7))).to.throw(TypeError);
      expect(() => new Ipv6Address(new Uint8Array(16) as unknown as Uint16Array)).to.throw(TypeError);
      expect(() => new Ipv6Address(new Uint16Array(8), -1)).to.throw(RangeError);
      expect(() => new Ipv6Address(new Uint16Array(8), 2 ** 32)).to.throw(RangeError);
      expect(() => new Ipv6Address(new Uint16Array(8), 1.5)).to.throw(RangeError);
      expect(() => new Ipv6Address(new Uint16Array(8), '1' as unknown as number)).to.throw(TypeError);
      expect(new Ipv6Address(new Uint16Array(8), 2 ** 32 - 1).scopeId).to.equal(2 ** 32 - 1);
    });
    it('fromString accepts inet_pton text and throws AddressParseError otherwise', () => {
      expect(Ipv6Address.fromString('::ffff:10.0.0.1').toString()).to.equal('::ffff:10.0.0.1');
      for (const bad of [':::', '1::2::3', '1.2.3.4', '', '::1%', 'fe80::1%no-such-if0']) {
        expect(() => Ipv6Address.fromString(bad)).to.throw(AddressParseError).with.property('datum', bad);
      }
    });
    it('a numeric zone is the scope id', () => {
      const n = unusedIndex();
      const a = Ipv6Address.fromString(`fe80::1%${n}`);
      expect(a.scopeId).to.equal(n);
      expect(a.toString()).to.equal(`fe80::1%${n}`);
      expect(Ipv6Address.fromString('fe80::1%0').scopeId).to.equal(0);
      expect(Ipv6Address.fromString('fe80::1%0').toString()).to.equal('fe80::1');
      expect(Ipv6Address.fromString('fe80::1%4294967295').scopeId).to.equal(4294967295);
      expect(() => Ipv6Address.fromString('fe80::1%4294967296')).to.throw(AddressParseError);
    });
    (HAVE_SYS ? it : it.skip)('a zone name resolves to the interface index; the zone prints as the text it was parsed from', () => {
      const a = Ipv6Address.fromString('fe80::1%lo');
      expect(a.scopeId).to.equal(LO_INDEX);
      expect(a.toString()).to.equal('fe80::1%lo');
      expect(a.copy().toString()).to.equal('fe80::1%lo');
      expect(a.equals(Ipv6Address.fromString(`fe80::1%${LO_INDEX}`))).to.equal(true);
      // Made from a number (as from a kernel sockaddr), or parsed from digits: the number.
      expect(new Ipv6Address(a.name, LO_INDEX).toString()).to.equal(`fe80::1%${LO_INDEX}`);
      expect(Ipv6Address.fromString(`fe80::1%${LO_INDEX}`).toString()).to.equal(`fe80::1%${LO_INDEX}`);
      expect(String(ensureAddress('::1%lo'))).to.equal('::1%lo');
    });
    it('a zone name resolves as the name databases resolve it (if_nametoindex), for every interface listed', () => {
      const all = listNetworkInterfaces();
      expect(all.length).to.be.greaterThan(0);
      for (const { name, index } of all) {
        expect(Ipv6Address.fromString(`fe80::1%${name}`).scopeId, name).to.equal(index);
        expect(lookupInterface(name).index, name).to.equal(index);
      }
    });
    it('printing reads nothing from the system: an address of a zone no interface has prints its number', () => {
      expect(new Ipv6Address([0xfe80, 0, 0, 0, 0, 0, 0, 1], 4000000000).toString()).to.equal('fe80::1%4000000000');
      expect(new Ipv6Address([0xfe80, 0, 0, 0, 0, 0, 0, 1], 7, 'eth9').toString()).to.equal('fe80::1%eth9');
      expect(() => new Ipv6Address([0xfe80, 0, 0, 0, 0, 0, 0, 1], 7, 'a%b')).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
    });
    it('unknown or malformed zone names are invalid', () => {
      for (const z of ['nosuchif9', '..', '.', 'a/b', '../lo', 'lo/', 'x'.repeat(16), ' lo', 'lo ', '-1', '+1', '1a', 'lo%lo', 'lo\0x', '']) {
        expect(() => Ipv6Address.fromString(`fe80::1%${z}`), z).to.throw(AddressParseError);
      }
    });
    it('an IPv4 address never takes a zone', () => {
      expect(ensureAddress('127.0.0.1%lo', { errorp: false })).to.equal(null);
      expect(ensureAddress('127.0.0.1%1', { errorp: false })).to.equal(null);
    });
    it('equals compares words and scope id', () => {
      const a = new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 5);
      expect(a.equals(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 5))).to.equal(true);
      expect(a.equals(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 6))).to.equal(false);
      expect(a.equals(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1])))).to.equal(false);
      expect(a.equals(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 2]), 5))).to.equal(false);
      const c = a.copy();
      expect(c).to.not.equal(a);
      expect(c.scopeId).to.equal(5);
      expect(c.equals(a)).to.equal(true);
    });
    it('IPv4-mapped text and scope print together', () => {
      const n = unusedIndex();
      expect(new Ipv6Address(new Uint16Array([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]), n).toString()).to.equal(`::ffff:127.0.0.1%${n}`);
    });
  });

  describe('LocalAddress', () => {
    it('has a name and an abstract flag', () => {
      const a = new LocalAddress('/tmp/sock');
      expect(a).to.be.instanceOf(Address);
      expect(a).to.not.be.instanceOf(InetAddress);
      expect(a.type).to.equal('local');
      expect(a.name).to.equal('/tmp/sock');
      expect(a.abstract).to.equal(false);
      expect(a.toString()).to.equal('/tmp/sock');
      const b = new LocalAddress('name', true);
      expect(b.abstract).to.equal(true);
      expect(b.toString()).to.equal('@name');
    });
    it('equals compares the name and the abstract flag', () => {
      expect(new LocalAddress('x').equals(new LocalAddress('x'))).to.equal(true);
      expect(new LocalAddress('x').equals(new LocalAddress('x', true))).to.equal(false);
      expect(new LocalAddress('x').equals(new LocalAddress('y'))).to.equal(false);
      expect(new LocalAddress('x', true).copy().equals(new LocalAddress('x', true))).to.equal(true);
    });
    it('refuses non-strings and non-booleans', () => {
      expect(() => new LocalAddress(1 as unknown as string)).to.throw(TypeError);
      expect(() => new LocalAddress('x', 1 as unknown as boolean)).to.throw(TypeError);
    });
    it('name and abstract cannot be reassigned', () => {
      const a = new LocalAddress('x');
      expect(() => {
        (a as unknown as { name: string }).name = 'y';
      }).to.throw(TypeError);
      expect(a.name).to.equal('x');
    });
  });

  describe('constants', () => {
    const table: [Address, string, string][] = [
      [IPV4_UNSPECIFIED, '0.0.0.0', 'ipv4'],
      [IPV4_LOOPBACK, '127.0.0.1', 'ipv4'],
      [IPV4_BROADCAST, '255.255.255.255', 'ipv4'],
      [IPV6_UNSPECIFIED, '::', 'ipv6'],
      [IPV6_LOOPBACK, '::1', 'ipv6'],
      [IPV6_INTERFACE_LOCAL_ALL_NODES, 'ff01::1', 'ipv6'],
      [IPV6_INTERFACE_LOCAL_ALL_ROUTERS, 'ff01::2', 'ipv6'],
      [IPV6_LINK_LOCAL_ALL_NODES, 'ff02::1', 'ipv6'],
      [IPV6_LINK_LOCAL_ALL_ROUTERS, 'ff02::2', 'ipv6'],
      [IPV6_SITE_LOCAL_ALL_ROUTERS, 'ff05::2', 'ipv6'],
    ];
    for (const [c, text, type] of table) {
      it(`${text} is a frozen, unchangeable ${type} address`, () => {
        expect(c.toString()).to.equal(text);
        expect(c.type).to.equal(type);
        expect(Object.isFrozen(c)).to.equal(true);
        expect(c.equals(ensureAddress(text))).to.equal(true);
        const inet = c as InetAddress;
        const n = inet.name;
        n.fill(0x42);
        expect(c.toString()).to.equal(text);
        expect(() => {
          (c as unknown as { name: unknown }).name = new Uint8Array(4);
        }).to.throw(TypeError);
        expect(() => {
          (c as unknown as { extra: number }).extra = 1;
        }).to.throw(TypeError);
        expect(c.toString()).to.equal(text);
        if (c instanceof Ipv6Address) {
          expect(c.scopeId).to.equal(0);
          expect(() => {
            (c as unknown as { scopeId: number }).scopeId = 3;
          }).to.throw(TypeError);
        }
      });
    }
    it('a copy of a constant is a new, equal, unfrozen address', () => {
      const c = IPV4_LOOPBACK.copy();
      expect(c).to.not.equal(IPV4_LOOPBACK);
      expect(c.equals(IPV4_LOOPBACK)).to.equal(true);
      expect(Object.isFrozen(c)).to.equal(false);
    });
  });
});
