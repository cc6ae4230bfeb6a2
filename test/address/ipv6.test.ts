import { expect } from 'chai';
import {
  AddressParseError,
  addressToVector,
  colonSeparatedToVector,
  ensureAddress,
  stringAddressToVector,
  vectorToColonSeparated,
} from '../../lib/address/index.js';

/** [input text, words, RFC 5952 text] */
const VALID: [string, number[], string][] = [
  ['::', [0, 0, 0, 0, 0, 0, 0, 0], '::'],
  ['0:0:0:0:0:0:0:0', [0, 0, 0, 0, 0, 0, 0, 0], '::'],
  ['0000:0000:0000:0000:0000:0000:0000:0000', [0, 0, 0, 0, 0, 0, 0, 0], '::'],
  ['::1', [0, 0, 0, 0, 0, 0, 0, 1], '::1'],
  ['0:0:0:0:0:0:0:1', [0, 0, 0, 0, 0, 0, 0, 1], '::1'],
  ['1::', [1, 0, 0, 0, 0, 0, 0, 0], '1::'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', [65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
  ['2001:DB8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
  ['2001:0dB8:0000:0000:0000:0000:0000:0001', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'], // first on a tie
  ['2001:db8:0:1:0:0:0:1', [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], '2001:db8:0:1::1'], // longest wins
  ['2001:db8:0:0:0:1:0:0', [0x2001, 0xdb8, 0, 0, 0, 1, 0, 0], '2001:db8::1:0:0'],
  ['2001:db8:0:1:1:1:1:1', [0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'], // never :: for one word
  ['2001:db8::1:1:1:1:1', [0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'],
  ['1:0:1:0:1:0:1:0', [1, 0, 1, 0, 1, 0, 1, 0], '1:0:1:0:1:0:1:0'],
  ['0:1:0:1:0:1:0:1', [0, 1, 0, 1, 0, 1, 0, 1], '0:1:0:1:0:1:0:1'],
  ['1:0:0:1:0:0:0:1', [1, 0, 0, 1, 0, 0, 0, 1], '1:0:0:1::1'],
  ['1:0:0:0:1:0:0:1', [1, 0, 0, 0, 1, 0, 0, 1], '1::1:0:0:1'],
  ['0:0:1:0:0:1:0:0', [0, 0, 1, 0, 0, 1, 0, 0], '::1:0:0:1:0:0'],
  ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8], '1:2:3:4:5:6:7:8'],
  ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0], '1:2:3:4:5:6:7:0'], // '::' for one group on input
  ['::2:3:4:5:6:7:8', [0, 2, 3, 4, 5, 6, 7, 8], '0:2:3:4:5:6:7:8'],
  ['1::8', [1, 0, 0, 0, 0, 0, 0, 8], '1::8'],
  ['1:2::7:8', [1, 2, 0, 0, 0, 0, 7, 8], '1:2::7:8'],
  ['1:2:3::6:7:8', [1, 2, 3, 0, 0, 6, 7, 8], '1:2:3::6:7:8'],
  ['fe80::1', [0xfe80, 0, 0, 0, 0, 0, 0, 1], 'fe80::1'],
  ['FE80::ABCD:ef01', [0xfe80, 0, 0, 0, 0, 0, 0xabcd, 0xef01], 'fe80::abcd:ef01'],
  ['ff02::1:ff00:1234', [0xff02, 0, 0, 0, 0, 1, 0xff00, 0x1234], 'ff02::1:ff00:1234'],
  ['0001:0002::000a', [1, 2, 0, 0, 0, 0, 0, 10], '1:2::a'],
  ['a:b:c:d:e:f:0:0', [10, 11, 12, 13, 14, 15, 0, 0], 'a:b:c:d:e:f::'],
  // embedded dotted quads
  ['::ffff:1.2.3.4', [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], '::ffff:1.2.3.4'],
  ['::FFFF:192.168.0.1', [0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0001], '::ffff:192.168.0.1'],
  ['::ffff:c0a8:1', [0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0001], '::ffff:192.168.0.1'],
  ['0:0:0:0:0:ffff:0.0.0.0', [0, 0, 0, 0, 0, 0xffff, 0, 0], '::ffff:0.0.0.0'],
  ['::ffff:255.255.255.255', [0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff], '::ffff:255.255.255.255'],
  ['::1.2.3.4', [0, 0, 0, 0, 0, 0, 0x0102, 0x0304], '::102:304'], // IPv4-compatible: hex, as RFC 5952
  ['::0.0.0.1', [0, 0, 0, 0, 0, 0, 0, 1], '::1'],
  ['1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304], '1:2:3:4:5:6:102:304'],
  ['1::1.2.3.4', [1, 0, 0, 0, 0, 0, 0x0102, 0x0304], '1::102:304'],
  ['64:ff9b::192.0.2.33', [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221], '64:ff9b::c000:221'],
  ['1:2:3:4:5::1.2.3.4', [1, 2, 3, 4, 5, 0, 0x0102, 0x0304], '1:2:3:4:5:0:102:304'],
  // 45 characters, the longest valid text
  ['0000:0000:0000:0000:0000:ffff:255.255.255.255', [0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff], '::ffff:255.255.255.255'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255', [65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
];

const INVALID: string[] = [
  '',
  ':',
  ':::',
  '::::',
  '1:::2',
  '1::2::3',
  '::1::',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '::1:2:3:4:5:6:7:8',
  '1::2:3:4:5:6:7:8', // '::' standing for no group
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:',
  ':1:2:3:4:5:6:7',
  ':1::',
  '1:',
  ':1',
  '1::2:',
  ':1::2',
  '12345::',
  '00000::1',
  '1:2:3:4:5:6:7:8g',
  'g::',
  '::g',
  '0x1::',
  ' ::1',
  '::1 ',
  '::1\n',
  ':: 1',
  '[::1]',
  '::1/128',
  '2001:db8::1%', // empty zone
  '2001:db8::1%1', // zones are refused at vector level
  'fe80::1%lo',
  '::ffff:1.2.3',
  '::ffff:1.2.3.4.5',
  '::ffff:256.1.1.1',
  '::ffff:01.2.3.4',
  '::ffff:1.2.3.04',
  '::1.2.3.4:5',
  '::1.2.3.4::',
  '1.2.3.4::',
  '1.2.3.4::1',
  '::ffff:1.2.3.4:1',
  '1:2:3:4:5:6:7:1.2.3.4', // dotted quad beyond 128 bits
  '::1:2:3:4:5:6:1.2.3.4',
  '::12a.1.1.1',
  '::1111.1.1.1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '0000:0000:0000:0000:0000:0000:0000:00000',
  '1:2:3:4:5:6:7:8:',
  'fffff::',
  ':::1',
  '1::2:3:4:5:6:7:8:9',
  '::%1',
  'localhost',
  '::-1',
  '::+1',
  '٠::1',
];

describe('iolib/address: IPv6 conversions', () => {
  describe('valid text parses and prints canonically (RFC 5952)', () => {
    for (const [text, words, canonical] of VALID) {
      it(`${text} -> ${canonical}`, () => {
        const v = colonSeparatedToVector(text);
        expect(v).to.be.instanceOf(Uint16Array);
        expect(Array.from(v)).to.deep.equal(words);
        expect(vectorToColonSeparated(v)).to.equal(canonical);
        expect(vectorToColonSeparated(words)).to.equal(canonical);
        expect(vectorToColonSeparated(v, 'upcase')).to.equal(canonical.toUpperCase());
        expect(vectorToColonSeparated(v, 'downcase')).to.equal(canonical);
        const sv = stringAddressToVector(text);
        expect(sv).to.be.instanceOf(Uint16Array);
        expect(Array.from(sv!)).to.deep.equal(words);
        expect(addressToVector(text)).to.deep.equal({ vector: new Uint16Array(words), type: 'ipv6' });
        // canonical text reads back to the same vector
        expect(Array.from(colonSeparatedToVector(canonical))).to.deep.equal(words);
        expect(ensureAddress(text).toString()).to.equal(canonical);
      });
    }
  });

  describe('invalid text is refused', () => {
    for (const text of INVALID) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        expect(() => colonSeparatedToVector(text)).to.throw(AddressParseError).with.property('datum', text);
        expect(stringAddressToVector(text)).to.equal(null);
        expect(addressToVector(text)).to.equal(null);
      });
    }
  });

  it('IPv4 text is not IPv6 text', () => {
    expect(() => colonSeparatedToVector('1.2.3.4')).to.throw(AddressParseError);
    expect(stringAddressToVector('1.2.3.4')).to.be.instanceOf(Uint8Array);
  });

  it('upcase output keeps the dotted quad of a mapped address', () => {
    expect(vectorToColonSeparated(new Uint16Array([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]), 'upcase')).to.equal('::FFFF:10.0.0.1');
    expect(vectorToColonSeparated(new Uint16Array([0x2001, 0xdb8, 0xabcd, 0, 0, 0, 0, 0xef]), 'upcase')).to.equal('2001:DB8:ABCD::EF');
  });

  it('output never has leading zeros, uppercase letters or a single-word ::', () => {
    for (const [, words] of VALID) {
      const s = vectorToColonSeparated(words);
      expect(s).to.not.match(/[A-F]/);
      expect(s).to.not.match(/(^|:)0[0-9a-f]/);
      expect(s.split('::').length).to.be.at.most(2);
    }
  });

  it('vectorToColonSeparated refuses a bad case', () => {
    expect(() => vectorToColonSeparated(new Uint16Array(8), 'UPCASE' as 'upcase')).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
    expect(() => vectorToColonSeparated(new Uint16Array(8), 'upper' as 'upcase')).to.throw(TypeError);
  });

  describe('bad vectors throw', () => {
    const bad: unknown[] = [new Uint16Array(7), new Uint16Array(9), new Uint8Array(16), new Uint8Array(8), new Uint32Array(8), [1, 2, 3], null, undefined, '::', 0];
    for (const v of bad) {
      it(`refuses ${Object.prototype.toString.call(v)} ${String(v)}`, () => {
        expect(() => vectorToColonSeparated(v as Uint16Array)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      });
    }
    it('array words out of range are RangeErrors', () => {
      expect(() => vectorToColonSeparated([0, 0, 0, 0, 0, 0, 0, 65536])).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => vectorToColonSeparated([-1, 0, 0, 0, 0, 0, 0, 0])).to.throw(RangeError);
      expect(() => vectorToColonSeparated([0.5, 0, 0, 0, 0, 0, 0, 0])).to.throw(RangeError);
    });
    it('colonSeparatedToVector of a non-string is a TypeError', () => {
      expect(() => colonSeparatedToVector(1 as unknown as string)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => stringAddressToVector(null as unknown as string)).to.throw(TypeError);
    });
  });

  it('every valid string is at most 45 characters; longer ones are refused quickly', () => {
    expect('0000:0000:0000:0000:0000:ffff:255.255.255.255').to.have.length(45);
    expect(stringAddressToVector(`0${'0000:0000:0000:0000:0000:ffff:255.255.255.255'}`)).to.equal(null);
    expect(stringAddressToVector(':'.repeat(100000))).to.equal(null);
    expect(stringAddressToVector('1'.repeat(100000))).to.equal(null);
  });
});
