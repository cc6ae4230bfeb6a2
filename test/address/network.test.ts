import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  AddressParseError,
  IPV4_LOOPBACK,
  Ipv4Address,
  Ipv4Network,
  Ipv6Address,
  Ipv6Network,
  LocalAddress,
  ensureNetmask,
  hostPortion,
  inNetwork,
  inSameNetwork,
  makeNetmask,
  networkClass,
  networkPortion,
} from '../../lib/address/index.js';

const V4_MASKS: [number, string][] = [
  [0, '0.0.0.0'],
  [1, '128.0.0.0'],
  [7, '254.0.0.0'],
  [8, '255.0.0.0'],
  [9, '255.128.0.0'],
  [12, '255.240.0.0'],
  [16, '255.255.0.0'],
  [20, '255.255.240.0'],
  [23, '255.255.254.0'],
  [24, '255.255.255.0'],
  [25, '255.255.255.128'],
  [30, '255.255.255.252'],
  [31, '255.255.255.254'],
  [32, '255.255.255.255'],
];

const V6_MASKS: [number, string][] = [
  [0, '::'],
  [1, '8000::'],
  [10, 'ffc0::'],
  [16, 'ffff::'],
  [17, 'ffff:8000::'],
  [32, 'ffff:ffff::'],
  [48, 'ffff:ffff:ffff::'],
  [64, 'ffff:ffff:ffff:ffff::'],
  [96, 'ffff:ffff:ffff:ffff:ffff:ffff::'],
  [127, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'],
  [128, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
];

describe('iolib/address: netmasks and networks', () => {
  describe('makeNetmask', () => {
    for (const [cidr, text] of V4_MASKS) {
      it(`{ cidr: ${cidr} } -> ${text}`, () => {
        const m = makeNetmask({ cidr });
        expect(m).to.be.instanceOf(Ipv4Address);
        expect(m.toString()).to.equal(text);
        expect(ensureNetmask(cidr).toString()).to.equal(text);
      });
    }
    for (const [cidr, text] of V6_MASKS) {
      it(`{ cidr: ${cidr}, ipv6: true } -> ${text}`, () => {
        const m = makeNetmask({ cidr, ipv6: true });
        expect(m).to.be.instanceOf(Ipv6Address);
        expect(m.toString()).to.equal(text);
      });
    }
    it('classes a, b, c', () => {
      expect(makeNetmask({ class: 'a' }).toString()).to.equal('255.0.0.0');
      expect(makeNetmask({ class: 'b' }).toString()).to.equal('255.255.0.0');
      expect(makeNetmask({ class: 'c' }).toString()).to.equal('255.255.255.0');
      expect(ensureNetmask('a').toString()).to.equal('255.0.0.0');
      expect(ensureNetmask('b').toString()).to.equal('255.255.0.0');
      expect(ensureNetmask('c').toString()).to.equal('255.255.255.0');
    });
    it('cidr takes precedence over class, as in IOLib', () => {
      expect(makeNetmask({ cidr: 20, class: 'a' }).toString()).to.equal('255.255.240.0');
    });
    it('bad arguments', () => {
      expect(() => makeNetmask({ cidr: 33 })).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => makeNetmask({ cidr: -1 })).to.throw(RangeError);
      expect(() => makeNetmask({ cidr: 1.5 })).to.throw(RangeError);
      expect(() => makeNetmask({ cidr: 129, ipv6: true })).to.throw(RangeError);
      expect(() => makeNetmask({ cidr: '8' as unknown as number })).to.throw(TypeError);
      expect(() => makeNetmask({ class: 'd' as 'a' })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => makeNetmask({ class: 'A' as 'a' })).to.throw(TypeError);
      expect(() => makeNetmask({ class: 'toString' as 'a' })).to.throw(TypeError);
      expect(() => makeNetmask({ class: 'a', ipv6: true } as never)).to.throw(TypeError);
      expect(() => makeNetmask({} as never)).to.throw(TypeError);
      expect(() => makeNetmask(null as never)).to.throw(TypeError);
    });
  });

  describe('ensureNetmask', () => {
    it('returns an address as is', () => {
      const m = Ipv4Address.fromString('255.255.0.0');
      expect(ensureNetmask(m)).to.equal(m);
      const m6 = Ipv6Address.fromString('ffff::');
      expect(ensureNetmask(m6)).to.equal(m6);
    });
    it('reads address text', () => {
      expect(ensureNetmask('255.255.255.0').toString()).to.equal('255.255.255.0');
      expect(ensureNetmask('ffff:ffff::')).to.be.instanceOf(Ipv6Address);
    });
    it('bad arguments', () => {
      expect(() => ensureNetmask(33)).to.throw(RangeError);
      expect(() => ensureNetmask('d')).to.throw(AddressParseError);
      expect(() => ensureNetmask('255.255.0')).to.throw(AddressParseError);
      expect(() => ensureNetmask(new LocalAddress('x') as never)).to.throw(TypeError);
      expect(() => ensureNetmask(null as never)).to.throw(TypeError);
    });
  });

  describe('networkPortion and hostPortion', () => {
    const table: [string, string | number, string, string][] = [
      ['192.168.7.9', 16, '192.168.0.0', '0.0.7.9'],
      ['192.168.7.9', '255.255.255.0', '192.168.7.0', '0.0.0.9'],
      ['192.168.7.9', 'c', '192.168.7.0', '0.0.0.9'],
      ['10.20.30.40', 'a', '10.0.0.0', '0.20.30.40'],
      ['172.16.5.4', 'b', '172.16.0.0', '0.0.5.4'],
      ['255.255.255.255', 0, '0.0.0.0', '255.255.255.255'],
      ['255.255.255.255', 32, '255.255.255.255', '0.0.0.0'],
      ['255.255.255.255', 31, '255.255.255.254', '0.0.0.1'],
      ['128.0.0.1', 1, '128.0.0.0', '0.0.0.1'],
      ['10.1.2.3', '255.0.255.0', '10.0.2.0', '0.1.0.3'], // non-contiguous masks still apply, as in IOLib
      ['2001:db8:1:2::3', 64, '2001:db8:1:2::', '::3'],
      ['2001:db8:1:2::3', 32, '2001:db8::', '0:0:1:2::3'],
      ['2001:db8:1:2::3', 'ffff:ffff:ffff::', '2001:db8:1::', '::2:0:0:0:3'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 127, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', '::1'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 128, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 0, '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
      ['fe80::1%1', 10, 'fe80::', '::1'],
    ];
    for (const [addr, mask, net, host] of table) {
      it(`${addr} / ${mask}: ${net} + ${host}`, () => {
        expect(networkPortion(addr, mask).toString()).to.equal(net);
        expect(hostPortion(addr, mask).toString()).to.equal(host);
      });
    }
    it('works on address objects and returns the same class', () => {
      const n = networkPortion(Ipv4Address.fromString('10.9.8.7'), makeNetmask({ cidr: 8 }));
      expect(n).to.be.instanceOf(Ipv4Address);
      expect(n.toString()).to.equal('10.0.0.0');
      const h = hostPortion(Ipv6Address.fromString('2001:db8::5'), makeNetmask({ cidr: 64, ipv6: true }));
      expect(h).to.be.instanceOf(Ipv6Address);
      expect(h.toString()).to.equal('::5');
    });
    it('takes mask vectors', () => {
      expect(networkPortion('10.9.8.7', new Uint8Array([255, 255, 0, 0])).toString()).to.equal('10.9.0.0');
      expect(hostPortion('10.9.8.7', new Uint8Array([255, 255, 0, 0])).toString()).to.equal('0.0.8.7');
      expect(networkPortion('2001:db8::1', new Uint16Array([0xffff, 0xffff, 0, 0, 0, 0, 0, 0])).toString()).to.equal('2001:db8::');
      expect(ensureNetmask(new Uint16Array([0xffff, 0, 0, 0, 0, 0, 0, 0])).toString()).to.equal('ffff::');
      expect(() => networkPortion('10.9.8.7', new Uint16Array(8))).to.throw(TypeError);
      expect(() => networkPortion('10.9.8.7', new Uint8Array(3) as never)).to.throw(TypeError);
      expect(new Ipv4Network('10.9.8.7', new Uint8Array([255, 0, 0, 0])).toString()).to.equal('10.0.0.0/8');
      expect(new Ipv6Network('2001:db8::1', new Uint16Array([0xffff, 0xffff, 0, 0, 0, 0, 0, 0])).toString()).to.equal('2001:db8::/32');
      expect(() => new Ipv4Network('10.9.8.7', new Uint8Array([0, 255, 0, 0]))).to.throw(AddressParseError);
    });
    it('refuses mixed families and bad masks', () => {
      expect(() => networkPortion('10.0.0.1', makeNetmask({ cidr: 64, ipv6: true }) as never)).to.throw(TypeError);
      expect(() => networkPortion('::1', makeNetmask({ cidr: 8 }))).to.throw(TypeError);
      expect(() => networkPortion('::1', 'a')).to.throw(TypeError);
      expect(() => networkPortion('10.0.0.1', 33)).to.throw(RangeError);
      expect(() => networkPortion('::1', 129)).to.throw(RangeError);
      expect(() => networkPortion('10.0.0.1', '::')).to.throw(TypeError);
      expect(() => hostPortion('10.0.0.1.1', 8)).to.throw(AddressParseError);
      expect(() => hostPortion(new LocalAddress('x') as never, 8)).to.throw(TypeError);
    });
  });

  describe('networkClass', () => {
    const table: [string, string][] = [
      ['0.0.0.0', 'a'],
      ['10.0.0.1', 'a'],
      ['127.255.255.255', 'a'],
      ['128.0.0.0', 'b'],
      ['191.255.255.255', 'b'],
      ['192.0.0.0', 'c'],
      ['223.255.255.255', 'c'],
      ['224.0.0.0', 'd'],
      ['239.255.255.255', 'd'],
      ['240.0.0.0', 'e'],
      ['255.255.255.255', 'e'],
    ];
    for (const [addr, cls] of table) {
      it(`${addr} is class ${cls}`, () => {
        expect(networkClass(addr)).to.equal(cls);
        expect(networkClass(Ipv4Address.fromString(addr))).to.equal(cls);
      });
    }
    it('is IPv4 only', () => {
      expect(() => networkClass('::1')).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => networkClass(Ipv6Address.fromString('::1') as never)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => networkClass('1.2.3')).to.throw(AddressParseError);
    });
  });

  describe('Ipv4Network', () => {
    const table: [string, string, number, number, string, string][] = [
      // input, printed, prefix, count, netmask, broadcast
      ['10.1.0.0/16', '10.1.0.0/16', 16, 65536, '255.255.0.0', '10.1.255.255'],
      ['10.1.2.3/16', '10.1.0.0/16', 16, 65536, '255.255.0.0', '10.1.255.255'],
      ['0.0.0.0/0', '0.0.0.0/0', 0, 4294967296, '0.0.0.0', '255.255.255.255'],
      ['1.2.3.4/0', '0.0.0.0/0', 0, 4294967296, '0.0.0.0', '255.255.255.255'],
      ['255.255.255.255/32', '255.255.255.255/32', 32, 1, '255.255.255.255', '255.255.255.255'],
      ['192.0.2.1/32', '192.0.2.1/32', 32, 1, '255.255.255.255', '192.0.2.1'],
      ['192.0.2.1/31', '192.0.2.0/31', 31, 2, '255.255.255.254', '192.0.2.1'],
      ['192.0.2.7/30', '192.0.2.4/30', 30, 4, '255.255.255.252', '192.0.2.7'],
      ['128.0.0.0/1', '128.0.0.0/1', 1, 2147483648, '128.0.0.0', '255.255.255.255'],
      ['127.0.0.1/1', '0.0.0.0/1', 1, 2147483648, '128.0.0.0', '127.255.255.255'],
      ['172.16.0.0/12', '172.16.0.0/12', 12, 1048576, '255.240.0.0', '172.31.255.255'],
      ['10.0.0.0/255.0.0.0', '10.0.0.0/8', 8, 16777216, '255.0.0.0', '10.255.255.255'],
      ['192.168.1.0/255.255.255.0', '192.168.1.0/24', 24, 256, '255.255.255.0', '192.168.1.255'],
    ];
    for (const [input, printed, prefix, count, netmask, broadcast] of table) {
      it(`${input} -> ${printed}`, () => {
        const n = new Ipv4Network(input);
        expect(n.toString()).to.equal(printed);
        expect(n.prefixLength).to.equal(prefix);
        expect(n.addressCount).to.equal(count);
        expect(n.netmask.toString()).to.equal(netmask);
        expect(n.broadcast.toString()).to.equal(broadcast);
        expect(n.address).to.be.instanceOf(Ipv4Address);
        expect(n.address.toString()).to.equal(printed.split('/')[0]);
        expect(n.contains(n.address)).to.equal(true);
        expect(n.contains(n.broadcast)).to.equal(true);
        expect(new Ipv4Network(printed).equals(n)).to.equal(true);
        expect(new Ipv4Network(n.address, prefix).equals(n)).to.equal(true);
        expect(new Ipv4Network(n.address, n.netmask).equals(n)).to.equal(true);
        expect(String(n)).to.equal(printed);
        expect(JSON.stringify(n)).to.equal(JSON.stringify(printed));
      });
    }
    it('two-argument forms', () => {
      expect(new Ipv4Network('10.1.2.3', 8).toString()).to.equal('10.0.0.0/8');
      expect(new Ipv4Network('10.1.2.3', '255.255.0.0').toString()).to.equal('10.1.0.0/16');
      expect(new Ipv4Network('10.1.2.3', 'b').toString()).to.equal('10.1.0.0/16');
      expect(new Ipv4Network(0x0a010203, 24).toString()).to.equal('10.1.2.0/24');
      expect(new Ipv4Network(new Uint8Array([10, 1, 2, 3]), 24).toString()).to.equal('10.1.2.0/24');
      expect(new Ipv4Network(IPV4_LOOPBACK, makeNetmask({ class: 'a' })).toString()).to.equal('127.0.0.0/8');
    });
    it('contains', () => {
      const n = new Ipv4Network('10.1.0.0/16');
      expect(n.contains('10.1.0.0')).to.equal(true);
      expect(n.contains('10.1.255.255')).to.equal(true);
      expect(n.contains('10.1.7.7')).to.equal(true);
      expect(n.contains('10.0.255.255')).to.equal(false);
      expect(n.contains('10.2.0.0')).to.equal(false);
      expect(n.contains(0x0a010101)).to.equal(true);
      expect(n.contains('::ffff:10.1.0.1')).to.equal(false);
      expect(n.contains(new LocalAddress('/x'))).to.equal(false);
      expect(() => n.contains('10.1')).to.throw(AddressParseError);
      expect(() => n.contains({} as never)).to.throw(TypeError);
      const all = new Ipv4Network('0.0.0.0/0');
      expect(all.contains('255.255.255.255')).to.equal(true);
      expect(all.contains('0.0.0.0')).to.equal(true);
      expect(all.contains('::')).to.equal(false);
      const one = new Ipv4Network('128.0.0.0/32');
      expect(one.contains('128.0.0.0')).to.equal(true);
      expect(one.contains('128.0.0.1')).to.equal(false);
      expect(one.contains('0.0.0.0')).to.equal(false);
      const top = new Ipv4Network('128.0.0.0/1');
      expect(top.contains('255.255.255.255')).to.equal(true);
      expect(top.contains('127.255.255.255')).to.equal(false);
    });
    const bad: string[] = [
      '10.0.0.0',
      '10.0.0.0/',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/+8',
      '10.0.0.0/08',
      '10.0.0.0/8/8',
      '10.0.0.0/ 8',
      '10.0.0.0 /8',
      '10.0.0.0/8 ',
      '10.0.0.0/0x8',
      '10.0.0.0/1e1',
      '10.0/8',
      '010.0.0.0/8',
      '/8',
      '',
      '::/0',
      '10.0.0.0/255.0.255.0',
      '10.0.0.0/0.255.255.255',
      '10.0.0.0/255.255.255.256',
      '10.0.0.0%lo/8',
      '10.0.0.0/1000',
    ];
    for (const s of bad) {
      it(`refuses ${JSON.stringify(s)} with AddressParseError`, () => {
        expect(() => new Ipv4Network(s)).to.throw(AddressParseError).with.property('datum', s);
      });
    }
    it('refuses bad two-argument forms', () => {
      expect(() => new Ipv4Network('10.0.0.0', 33)).to.throw(AddressParseError);
      expect(() => new Ipv4Network('10.0.0.0', -1)).to.throw(AddressParseError);
      expect(() => new Ipv4Network('10.0.0.0', 8.5)).to.throw(AddressParseError);
      expect(() => new Ipv4Network('10.0.0.0', '255.0.255.0')).to.throw(AddressParseError);
      expect(() => new Ipv4Network('10.0.0.0', Ipv4Address.fromString('0.0.0.255'))).to.throw(AddressParseError);
      expect(() => new Ipv4Network('10.0.0.0/8', 8)).to.throw(AddressParseError);
      expect(() => new Ipv4Network('::1', 8)).to.throw(AddressParseError);
      expect(() => new Ipv4Network(Ipv6Address.fromString('::1') as never, 8)).to.throw(TypeError);
      expect(() => new Ipv4Network('10.0.0.0', Ipv6Address.fromString('ffff::') as never)).to.throw(TypeError);
      expect(() => new Ipv4Network(IPV4_LOOPBACK as never)).to.throw(TypeError);
      expect(() => new Ipv4Network(null as never)).to.throw(TypeError);
      expect(() => new Ipv4Network('10.0.0.0', {} as never)).to.throw(TypeError);
    });
    it('says what is wrong with a netmask or prefix, in either form', () => {
      expect(() => new Ipv4Network('1.2.3.4/255.0.255.0')).to.throw(AddressParseError, /\(netmask is not contiguous\)$/);
      expect(() => new Ipv4Network('1.2.3.4', '255.0.255.0')).to.throw(AddressParseError, /\(netmask is not contiguous\)$/);
      expect(() => new Ipv4Network('1.2.3.4/33')).to.throw(AddressParseError, /\(prefix length must be 0\.\.32\)$/);
      expect(() => new Ipv4Network('1.2.3.4/1.2.3')).to.throw(AddressParseError, /\(bad netmask\)$/);
      expect(() => new Ipv4Network(5 as never)).to.throw(TypeError, /^The "address" argument must be a network string/);
    });
    it('equals and inspect', () => {
      expect(new Ipv4Network('10.0.0.0/8').equals(new Ipv4Network('10.0.0.0/16'))).to.equal(false);
      expect(new Ipv4Network('10.0.0.0/8').equals('10.0.0.0/8')).to.equal(false);
      expect(inspect(new Ipv4Network('10.0.0.0/8'))).to.contain('10.0.0.0/8');
    });
  });

  describe('Ipv6Network', () => {
    const table: [string, string, number, bigint, string][] = [
      ['2001:db8::/32', '2001:db8::/32', 32, 2n ** 96n, 'ffff:ffff::'],
      ['2001:DB8:1:2:3:4:5:6/32', '2001:db8::/32', 32, 2n ** 96n, 'ffff:ffff::'],
      ['::/0', '::/0', 0, 2n ** 128n, '::'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0', '::/0', 0, 2n ** 128n, '::'],
      ['::1/128', '::1/128', 128, 1n, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
      ['2001:db8::3/127', '2001:db8::2/127', 127, 2n, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'],
      ['fe80::1/10', 'fe80::/10', 10, 2n ** 118n, 'ffc0::'],
      ['fc00::/7', 'fc00::/7', 7, 2n ** 121n, 'fe00::'],
      ['::ffff:10.1.2.3/104', '::ffff:10.0.0.0/104', 104, 2n ** 24n, 'ffff:ffff:ffff:ffff:ffff:ffff:ff00:0'],
      ['2001:db8::/ffff:ffff:ffff:ffff::', '2001:db8::/64', 64, 2n ** 64n, 'ffff:ffff:ffff:ffff::'],
    ];
    for (const [input, printed, prefix, count, netmask] of table) {
      it(`${input} -> ${printed}`, () => {
        const n = new Ipv6Network(input);
        expect(n.toString()).to.equal(printed);
        expect(n.prefixLength).to.equal(prefix);
        expect(n.addressCount).to.equal(count);
        expect(typeof n.addressCount).to.equal('bigint');
        expect(n.netmask).to.be.instanceOf(Ipv6Address);
        expect(n.netmask.toString()).to.equal(netmask);
        expect(n.contains(n.address)).to.equal(true);
        expect(new Ipv6Network(printed).equals(n)).to.equal(true);
        expect(new Ipv6Network(n.address, prefix).equals(n)).to.equal(true);
        expect(new Ipv6Network(n.address, n.netmask).equals(n)).to.equal(true);
      });
    }
    it('contains', () => {
      const n = new Ipv6Network('2001:db8::/33');
      expect(n.contains('2001:db8::')).to.equal(true);
      expect(n.contains('2001:db8:7fff:ffff:ffff:ffff:ffff:ffff')).to.equal(true);
      expect(n.contains('2001:db8:8000::')).to.equal(false);
      expect(n.contains('2001:db9::')).to.equal(false);
      expect(n.contains('10.0.0.1')).to.equal(false);
      expect(n.contains(new Ipv6Address(new Uint16Array([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), 3))).to.equal(true);
      const ll = new Ipv6Network('fe80::/10');
      expect(ll.contains('febf:ffff::1')).to.equal(true);
      expect(ll.contains('fec0::1')).to.equal(false);
      const host = new Ipv6Network('::1/128');
      expect(host.contains('::1')).to.equal(true);
      expect(host.contains('::')).to.equal(false);
      expect(host.contains('::2')).to.equal(false);
      const all = new Ipv6Network('::/0');
      expect(all.contains('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).to.equal(true);
      expect(all.contains('0.0.0.0')).to.equal(false);
    });
    const bad = ['2001:db8::', '2001:db8::/', '2001:db8::/129', '2001:db8::/-1', '2001:db8::/064', 'fe80::%lo/64', 'fe80::/64%lo', '10.0.0.0/8', ':::/0', '2001:db8::/ffff:0:ffff::', '/64'];
    for (const s of bad) {
      it(`refuses ${JSON.stringify(s)} with AddressParseError`, () => {
        expect(() => new Ipv6Network(s)).to.throw(AddressParseError).with.property('datum', s);
      });
    }
    it('refuses bad two-argument forms', () => {
      expect(() => new Ipv6Network('::', 129)).to.throw(AddressParseError);
      expect(() => new Ipv6Network('10.0.0.0', 8)).to.throw(AddressParseError);
      expect(() => new Ipv6Network(IPV4_LOOPBACK as never, 8)).to.throw(TypeError);
      expect(() => new Ipv6Network('::', Ipv6Address.fromString('::ffff'))).to.throw(AddressParseError);
      expect(() => new Ipv6Network('::', 'a')).to.throw(AddressParseError);
    });
  });

  describe('inNetwork and inSameNetwork', () => {
    it('take network objects or CIDR text', () => {
      expect(inNetwork('10.1.2.3', '10.0.0.0/8')).to.equal(true);
      expect(inNetwork('11.1.2.3', '10.0.0.0/8')).to.equal(false);
      expect(inNetwork('10.1.2.3', new Ipv4Network('10.1.0.0/16'))).to.equal(true);
      expect(inNetwork('2001:db8::1', '2001:db8::/32')).to.equal(true);
      expect(inNetwork('2001:db9::1', new Ipv6Network('2001:db8::/32'))).to.equal(false);
      expect(inNetwork('10.1.2.3', '::/0')).to.equal(false);
      expect(inNetwork('::1', '0.0.0.0/0')).to.equal(false);
    });
    it('inSameNetwork needs both addresses inside', () => {
      expect(inSameNetwork('192.168.1.1', '192.168.1.200', '192.168.1.0/24')).to.equal(true);
      expect(inSameNetwork('192.168.1.1', '192.168.2.1', '192.168.1.0/24')).to.equal(false);
      expect(inSameNetwork('192.168.2.1', '192.168.1.1', '192.168.1.0/24')).to.equal(false);
      expect(inSameNetwork('192.168.2.1', '192.168.2.2', '192.168.1.0/24')).to.equal(false);
      expect(inSameNetwork('192.168.1.1', '192.168.2.1', '192.168.0.0/16')).to.equal(true);
      expect(inSameNetwork('fe80::1', 'fe80::2', 'fe80::/64')).to.equal(true);
      expect(inSameNetwork('fe80::1', '10.0.0.1', 'fe80::/64')).to.equal(false);
    });
    it('bad arguments', () => {
      expect(() => inNetwork('10.0.0.1', '10.0.0.0')).to.throw(AddressParseError);
      expect(() => inNetwork('10.0.0.1', 8 as never)).to.throw(TypeError);
      expect(() => inNetwork('10.0.1', '10.0.0.0/8')).to.throw(AddressParseError);
      expect(() => inSameNetwork('10.0.0.1', 'x', '10.0.0.0/8')).to.throw(AddressParseError);
    });
  });
});
