import { expect } from 'chai';
import {
  Address,
  AddressParseError,
  IPV4_LOOPBACK,
  IPV6_LOOPBACK,
  InetAddress,
  Ipv4Address,
  Ipv6Address,
  LocalAddress,
  addressEqual,
  addressEquals,
  addressToString,
  addressToVector,
  copyAddress,
  ensureAddress,
  makeAddress,
  mapIpv4AddressToIpv6,
  mapIpv6AddressToIpv4,
  stringAddressToVector,
} from '../../lib/address/index.js';

describe('iolib/address: designators', () => {
  describe('makeAddress', () => {
    it('Uint8Array(4) -> Ipv4Address', () => {
      const a = makeAddress(new Uint8Array([192, 0, 2, 1]));
      expect(a).to.be.instanceOf(Ipv4Address);
      expect(a.toString()).to.equal('192.0.2.1');
    });
    it('Uint16Array(8) -> Ipv6Address', () => {
      const a = makeAddress(new Uint16Array([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
      expect(a).to.be.instanceOf(Ipv6Address);
      expect(a.toString()).to.equal('2001:db8::1');
      expect(a.scopeId).to.equal(0);
    });
    it('string -> LocalAddress (as IOLib), never parsed as an IP', () => {
      const a = makeAddress('/tmp/x.sock');
      expect(a).to.be.instanceOf(LocalAddress);
      expect(a.name).to.equal('/tmp/x.sock');
      expect(a.abstract).to.equal(false);
      expect(makeAddress('127.0.0.1')).to.be.instanceOf(LocalAddress);
    });
    it('copies the vector', () => {
      const v = new Uint8Array([1, 2, 3, 4]);
      const a = makeAddress(v);
      v[0] = 0;
      expect(a.toString()).to.equal('1.2.3.4');
    });
    for (const bad of [new Uint8Array(3), new Uint8Array(16), new Uint16Array(4), new Uint32Array(4), [1, 2, 3, 4], 0x7f000001, null, undefined, {}, IPV4_LOOPBACK]) {
      it(`refuses ${Object.prototype.toString.call(bad)} with TypeError`, () => {
        expect(() => makeAddress(bad as string)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      });
    }
  });

  describe('ensureAddress (internet)', () => {
    const table: [unknown, string, 'ipv4' | 'ipv6'][] = [
      ['127.0.0.1', '127.0.0.1', 'ipv4'],
      ['::1', '::1', 'ipv6'],
      ['::FFFF:127.0.0.1', '::ffff:127.0.0.1', 'ipv6'],
      [0x7f000001, '127.0.0.1', 'ipv4'],
      [0, '0.0.0.0', 'ipv4'],
      [0xffffffff, '255.255.255.255', 'ipv4'],
      [2 ** 31, '128.0.0.0', 'ipv4'],
      [new Uint8Array([10, 1, 2, 3]), '10.1.2.3', 'ipv4'],
      [Buffer.from([10, 1, 2, 3]), '10.1.2.3', 'ipv4'],
      [new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 'fe80::1', 'ipv6'],
    ];
    for (const [x, text, type] of table) {
      it(`${String(x)} -> ${text}`, () => {
        const a = ensureAddress(x);
        expect(a).to.be.instanceOf(InetAddress);
        expect(a.type).to.equal(type);
        expect(a.toString()).to.equal(text);
      });
    }
    it('returns an InetAddress as is', () => {
      const a = Ipv4Address.fromString('1.2.3.4');
      expect(ensureAddress(a)).to.equal(a);
      expect(ensureAddress(IPV6_LOOPBACK)).to.equal(IPV6_LOOPBACK);
    });
    const invalid: unknown[] = [
      '0127.0.0.1',
      '127.1',
      '0x7f.0.0.1',
      '',
      'localhost',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '::1%',
      '::1%nosuchif0',
      ' 127.0.0.1',
      -1,
      2 ** 32,
      1.5,
      NaN,
      Infinity,
      new Uint8Array(3),
      new Uint8Array(16),
      new Uint16Array(7),
    ];
    for (const x of invalid) {
      it(`invalid ${typeof x === 'string' ? JSON.stringify(x) : String(x)}: AddressParseError with datum, or null`, () => {
        let err: unknown;
        try {
          ensureAddress(x);
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(AddressParseError);
        expect(Object.is((err as AddressParseError).datum, x)).to.equal(true);
        expect(ensureAddress(x, { errorp: false })).to.equal(null);
      });
    }
    for (const x of [null, undefined, {}, [127, 0, 0, 1], true, 1n, Symbol('x'), () => 1, new Uint32Array(4)]) {
      it(`non-designator ${typeof x}: TypeError, or null without errorp`, () => {
        expect(() => ensureAddress(x)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
        expect(ensureAddress(x, { errorp: false })).to.equal(null);
      });
    }
    it('a LocalAddress is the wrong family', () => {
      expect(() => ensureAddress(new LocalAddress('/x'))).to.throw(TypeError);
      expect(ensureAddress(new LocalAddress('/x'), { errorp: false })).to.equal(null);
    });
    it('bad options always throw', () => {
      expect(() => ensureAddress('::1', { family: 'inet' as 'internet' })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => ensureAddress('::1', { errorp: 'no' as unknown as boolean })).to.throw(TypeError);
      expect(() => ensureAddress('::1', { abstract: 1 as unknown as boolean })).to.throw(TypeError);
      expect(() => ensureAddress('::1', null as unknown as undefined)).to.throw(TypeError);
      expect(() => ensureAddress('x', { family: 'inet' as 'internet', errorp: false })).to.throw(TypeError);
    });
  });

  describe('ensureAddress (local)', () => {
    it('a string becomes a LocalAddress', () => {
      const a = ensureAddress('/run/x.sock', { family: 'local' });
      expect(a).to.be.instanceOf(LocalAddress);
      expect(a.name).to.equal('/run/x.sock');
      expect(a.abstract).to.equal(false);
    });
    it('abstract: true makes an abstract address', () => {
      const a = ensureAddress('name', { family: 'local', abstract: true });
      expect(a.abstract).to.equal(true);
      expect(a.toString()).to.equal('@name');
    });
    it("'file' is a synonym", () => {
      expect(ensureAddress('/x', { family: 'file' })).to.be.instanceOf(LocalAddress);
    });
    it('a LocalAddress is returned as is', () => {
      const a = new LocalAddress('/x');
      expect(ensureAddress(a, { family: 'local' })).to.equal(a);
    });
    it('an InetAddress or another type is the wrong family', () => {
      expect(() => ensureAddress(IPV4_LOOPBACK, { family: 'local' })).to.throw(TypeError);
      expect(ensureAddress(IPV4_LOOPBACK, { family: 'local', errorp: false })).to.equal(null);
      expect(() => ensureAddress(1, { family: 'local' })).to.throw(TypeError);
      expect(ensureAddress(1, { family: 'local', errorp: false })).to.equal(null);
    });
  });

  describe('addressToVector', () => {
    it('converts every designator', () => {
      expect(addressToVector('1.2.3.4')).to.deep.equal({ vector: new Uint8Array([1, 2, 3, 4]), type: 'ipv4' });
      expect(addressToVector(0x01020304)).to.deep.equal({ vector: new Uint8Array([1, 2, 3, 4]), type: 'ipv4' });
      expect(addressToVector(0xffffffff)).to.deep.equal({ vector: new Uint8Array([255, 255, 255, 255]), type: 'ipv4' });
      expect(addressToVector(new Uint8Array([1, 2, 3, 4]))).to.deep.equal({ vector: new Uint8Array([1, 2, 3, 4]), type: 'ipv4' });
      expect(addressToVector(IPV4_LOOPBACK)).to.deep.equal({ vector: new Uint8Array([127, 0, 0, 1]), type: 'ipv4' });
      expect(addressToVector('::1')).to.deep.equal({ vector: new Uint16Array([0, 0, 0, 0, 0, 0, 0, 1]), type: 'ipv6' });
      expect(addressToVector(new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8]))).to.deep.equal({ vector: new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8]), type: 'ipv6' });
      expect(addressToVector(IPV6_LOOPBACK)).to.deep.equal({ vector: new Uint16Array([0, 0, 0, 0, 0, 0, 0, 1]), type: 'ipv6' });
    });
    it('a scoped Ipv6Address gives its vector', () => {
      const r = addressToVector(new Ipv6Address(new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), 3));
      expect(r).to.deep.equal({ vector: new Uint16Array([0xfe80, 0, 0, 0, 0, 0, 0, 1]), type: 'ipv6' });
    });
    it('returns a new vector', () => {
      const v = new Uint8Array([1, 2, 3, 4]);
      const r = addressToVector(v)!;
      expect(r.vector).to.not.equal(v);
    });
    for (const x of ['fe80::1%1', 'fe80::1%lo', '127.1', 'x', -1, 2 ** 32, 0.5, new Uint8Array(5), null, undefined, {}, [1, 2, 3, 4], new LocalAddress('/x')]) {
      it(`null for ${typeof x === 'string' ? JSON.stringify(x) : String(x)}`, () => {
        expect(addressToVector(x)).to.equal(null);
      });
    }
  });

  describe('stringAddressToVector', () => {
    it('IPv4 -> Uint8Array, IPv6 -> Uint16Array, else null', () => {
      expect(stringAddressToVector('10.0.0.1')).to.deep.equal(new Uint8Array([10, 0, 0, 1]));
      expect(stringAddressToVector('::2')).to.deep.equal(new Uint16Array([0, 0, 0, 0, 0, 0, 0, 2]));
      expect(stringAddressToVector('::2%1')).to.equal(null);
      expect(stringAddressToVector('10.0.0.1.')).to.equal(null);
    });
    it('a non-string is a TypeError', () => {
      expect(() => stringAddressToVector(0 as unknown as string)).to.throw(TypeError);
    });
  });

  describe('addressToString, copyAddress, addressEquals, addressEqual', () => {
    it('addressToString', () => {
      expect(addressToString(IPV4_LOOPBACK)).to.equal('127.0.0.1');
      expect(addressToString(IPV6_LOOPBACK)).to.equal('::1');
      expect(addressToString(new LocalAddress('/a'))).to.equal('/a');
      expect(addressToString(new LocalAddress('a', true))).to.equal('@a');
      expect(() => addressToString('1.2.3.4' as unknown as Address)).to.throw(TypeError);
    });
    it('copyAddress', () => {
      for (const a of [IPV4_LOOPBACK, IPV6_LOOPBACK, new LocalAddress('x', true), new Ipv6Address(new Uint16Array(8), 9)]) {
        const c = copyAddress(a);
        expect(c).to.not.equal(a);
        expect(c.constructor).to.equal(a.constructor);
        expect(addressEquals(a, c)).to.equal(true);
      }
      expect(() => copyAddress({} as Address)).to.throw(TypeError);
    });
    it('addressEquals compares Address objects', () => {
      expect(addressEquals(IPV4_LOOPBACK, Ipv4Address.fromString('127.0.0.1'))).to.equal(true);
      expect(addressEquals(IPV4_LOOPBACK, IPV6_LOOPBACK)).to.equal(false);
      expect(addressEquals(IPV4_LOOPBACK, mapIpv4AddressToIpv6(IPV4_LOOPBACK))).to.equal(false);
      expect(addressEquals(new LocalAddress('x'), new LocalAddress('x'))).to.equal(true);
      expect(addressEquals(new LocalAddress('x'), IPV4_LOOPBACK)).to.equal(false);
      expect(() => addressEquals('127.0.0.1' as unknown as Address, IPV4_LOOPBACK)).to.throw(TypeError);
    });
    it('addressEqual coerces designators', () => {
      expect(addressEqual('127.0.0.1', 0x7f000001)).to.equal(true);
      expect(addressEqual('127.0.0.1', new Uint8Array([127, 0, 0, 1]))).to.equal(true);
      expect(addressEqual(IPV4_LOOPBACK, '127.0.0.1')).to.equal(true);
      expect(addressEqual('::1', '0:0:0:0:0:0:0:1')).to.equal(true);
      expect(addressEqual('::1', new Uint16Array([0, 0, 0, 0, 0, 0, 0, 1]))).to.equal(true);
      expect(addressEqual('2001:DB8::1', '2001:db8:0::1')).to.equal(true);
      expect(addressEqual('127.0.0.1', '127.0.0.2')).to.equal(false);
      expect(addressEqual('127.0.0.1', '::ffff:127.0.0.1')).to.equal(false);
      expect(addressEqual('/a', '/a', 'local')).to.equal(true);
      expect(addressEqual('/a', '/b', 'local')).to.equal(false);
      expect(() => addressEqual('127.1', '127.0.0.1')).to.throw(AddressParseError);
      expect(() => addressEqual('::1', '::1', 'inet' as 'internet')).to.throw(TypeError);
    });
  });

  describe('IPv4 <-> IPv4-mapped IPv6', () => {
    const pairs: [string, string][] = [
      ['0.0.0.0', '::ffff:0.0.0.0'],
      ['127.0.0.1', '::ffff:127.0.0.1'],
      ['128.0.0.0', '::ffff:128.0.0.0'],
      ['192.168.1.254', '::ffff:192.168.1.254'],
      ['255.255.255.255', '::ffff:255.255.255.255'],
    ];
    for (const [v4, v6] of pairs) {
      it(`${v4} <-> ${v6}`, () => {
        const m = mapIpv4AddressToIpv6(Ipv4Address.fromString(v4));
        expect(m).to.be.instanceOf(Ipv6Address);
        expect(m.toString()).to.equal(v6);
        expect(m.scopeId).to.equal(0);
        expect(mapIpv4AddressToIpv6(v4).toString()).to.equal(v6);
        const back = mapIpv6AddressToIpv4(m);
        expect(back).to.be.instanceOf(Ipv4Address);
        expect(back.toString()).to.equal(v4);
        expect(mapIpv6AddressToIpv4(v6).toString()).to.equal(v4);
      });
    }
    it('mapIpv6AddressToIpv4 throws unless mapped', () => {
      expect(() => mapIpv6AddressToIpv4(IPV6_LOOPBACK)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => mapIpv6AddressToIpv4('::1.2.3.4')).to.throw(TypeError);
      expect(() => mapIpv6AddressToIpv4('::fffe:1.2.3.4')).to.throw(TypeError);
      expect(() => mapIpv6AddressToIpv4('0:0:0:0:1:ffff:1.2.3.4')).to.throw(TypeError);
      expect(() => mapIpv6AddressToIpv4(IPV4_LOOPBACK as unknown as Ipv6Address)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => mapIpv6AddressToIpv4(':::')).to.throw(AddressParseError);
    });
    it('mapIpv4AddressToIpv6 refuses IPv6 and local addresses', () => {
      expect(() => mapIpv4AddressToIpv6(IPV6_LOOPBACK as unknown as Ipv4Address)).to.throw(TypeError);
      expect(() => mapIpv4AddressToIpv6(new LocalAddress('x') as unknown as Ipv4Address)).to.throw(TypeError);
      expect(() => mapIpv4AddressToIpv6('127.1')).to.throw(AddressParseError);
    });
  });
});
