import { expect } from 'chai';
import {
  AddressParseError,
  MAX_IPV4_VALUE,
  dottedToInteger,
  dottedToVector,
  integerToDotted,
  integerToVector,
  stringAddressToVector,
  vectorToDotted,
  vectorToInteger,
} from '../../lib/address/index.js';

/** [text, bytes, integer] */
const VALID: [string, number[], number][] = [
  ['0.0.0.0', [0, 0, 0, 0], 0],
  ['255.255.255.255', [255, 255, 255, 255], 4294967295],
  ['127.0.0.1', [127, 0, 0, 1], 0x7f000001],
  ['128.0.0.0', [128, 0, 0, 0], 2147483648],
  ['128.0.0.1', [128, 0, 0, 1], 2147483649],
  ['127.255.255.255', [127, 255, 255, 255], 2147483647],
  ['192.168.1.1', [192, 168, 1, 1], 3232235777],
  ['10.0.0.1', [10, 0, 0, 1], 167772161],
  ['1.2.3.4', [1, 2, 3, 4], 16909060],
  ['0.0.0.1', [0, 0, 0, 1], 1],
  ['1.0.0.0', [1, 0, 0, 0], 16777216],
  ['224.0.0.251', [224, 0, 0, 251], 3758096635],
  ['240.0.0.0', [240, 0, 0, 0], 4026531840],
  ['255.0.0.0', [255, 0, 0, 0], 4278190080],
  ['100.64.0.0', [100, 64, 0, 0], 1681915904],
  ['8.8.8.8', [8, 8, 8, 8], 134744072],
  ['250.251.252.253', [250, 251, 252, 253], 4210818301],
  ['199.99.9.0', [199, 99, 9, 0], 3345156352],
];

const INVALID: string[] = [
  '',
  '0127.0.0.1', // octal in inet_aton
  '127.1', // short form
  '127.0.1',
  '127',
  '0x7f.0.0.1',
  '0x7f000001',
  '2130706433',
  '127.0.0.01',
  '00.0.0.0',
  '01.2.3.4',
  '1.2.3.04',
  '1.2.3.4.',
  '.1.2.3.4',
  '1..2.3',
  '1.2..3.4',
  '1.2.3.4.5',
  '256.0.0.0',
  '1.2.3.256',
  '999.1.1.1',
  '1.2.3.-1',
  '+1.2.3.4',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '1.2.3.4\n',
  '1.2. 3.4',
  '1.2.3.4/32',
  '1.2.3.4%eth0',
  '1.2.3.4:80',
  'a.b.c.d',
  '1.2.3.a',
  '1.2.3.4a',
  '1e2.0.0.0',
  '１.２.３.４', // full-width digits
  '1.2.3.٤', // Arabic-Indic digit
  '0000.0.0.0',
  '1,2,3,4',
  '[1.2.3.4]',
  '1.2.3.4\0',
  '255.255.255.2555',
];

describe('iolib/address: IPv4 conversions', () => {
  it('MAX_IPV4_VALUE is 2^32 - 1', () => {
    expect(MAX_IPV4_VALUE).to.equal(4294967295);
  });

  describe('valid text, vector and integer agree', () => {
    for (const [text, bytes, int] of VALID) {
      it(`${text} <-> [${bytes.join(',')}] <-> ${int}`, () => {
        const v = dottedToVector(text);
        expect(v).to.be.instanceOf(Uint8Array);
        expect(Array.from(v)).to.deep.equal(bytes);
        expect(dottedToInteger(text)).to.equal(int);
        expect(vectorToDotted(new Uint8Array(bytes))).to.equal(text);
        expect(vectorToDotted(bytes)).to.equal(text);
        expect(integerToDotted(int)).to.equal(text);
        expect(vectorToInteger(new Uint8Array(bytes))).to.equal(int);
        expect(vectorToInteger(bytes)).to.equal(int);
        expect(Array.from(integerToVector(int))).to.deep.equal(bytes);
        expect(integerToVector(int)).to.be.instanceOf(Uint8Array);
        const sv = stringAddressToVector(text);
        expect(sv).to.be.instanceOf(Uint8Array);
        expect(Array.from(sv!)).to.deep.equal(bytes);
      });
    }
  });

  describe('strict inet_pton text: invalid strings are refused, never reinterpreted', () => {
    for (const text of INVALID) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        expect(() => dottedToVector(text)).to.throw(AddressParseError);
        expect(() => dottedToInteger(text)).to.throw(AddressParseError);
        expect(stringAddressToVector(text)).to.equal(null);
      });
    }
    it('the AddressParseError carries the datum', () => {
      try {
        dottedToVector('0127.0.0.1');
        expect.fail('should throw');
      } catch (e) {
        expect(e).to.be.instanceOf(AddressParseError);
        expect((e as AddressParseError).datum).to.equal('0127.0.0.1');
        expect((e as AddressParseError).code).to.equal('ERR_ADDRESS_PARSE');
      }
    });
  });

  describe('no sign bugs', () => {
    it('values at and above 2^31 stay positive', () => {
      expect(dottedToInteger('128.0.0.0')).to.equal(2 ** 31);
      expect(dottedToInteger('255.255.255.255')).to.equal(2 ** 32 - 1);
      expect(vectorToInteger(new Uint8Array([0xff, 0, 0, 0]))).to.equal(0xff000000);
      expect(vectorToInteger(new Uint8Array([0x80, 0, 0, 0]))).to.be.greaterThan(0);
    });
    it('integerToVector of 2^31 and 2^32 - 1', () => {
      expect(Array.from(integerToVector(2 ** 31))).to.deep.equal([128, 0, 0, 0]);
      expect(Array.from(integerToVector(2 ** 32 - 1))).to.deep.equal([255, 255, 255, 255]);
    });
  });

  describe('bad vectors and integers throw TypeError / RangeError', () => {
    const badVectors: unknown[] = [
      new Uint8Array(3),
      new Uint8Array(5),
      new Uint8Array(16),
      new Uint16Array(4),
      new Int8Array(4),
      [1, 2, 3],
      [1, 2, 3, 4, 5],
      '1.2.3.4',
      null,
      undefined,
      42,
      {},
    ];
    for (const v of badVectors) {
      it(`vectorToDotted/vectorToInteger refuse ${Object.prototype.toString.call(v)} ${String(v)}`, () => {
        expect(() => vectorToDotted(v as Uint8Array)).to.throw(TypeError);
        expect(() => vectorToInteger(v as Uint8Array)).to.throw(TypeError);
      });
    }
    for (const v of [[256, 0, 0, 0], [-1, 0, 0, 0], [1.5, 0, 0, 0], [NaN, 0, 0, 0]]) {
      it(`array elements out of range: [${v.join(',')}] is a RangeError`, () => {
        expect(() => vectorToDotted(v)).to.throw(RangeError);
        expect(() => vectorToInteger(v)).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      });
    }
    it('a non-numeric array element is refused', () => {
      expect(() => vectorToDotted(['1', 2, 3, 4] as unknown as number[])).to.throw(RangeError);
    });
    for (const n of [-1, 2 ** 32, 2 ** 53, 1.5, NaN, Infinity, -Infinity]) {
      it(`integerToDotted(${n}) is a RangeError`, () => {
        expect(() => integerToDotted(n)).to.throw(RangeError);
        expect(() => integerToVector(n)).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      });
    }
    for (const n of ['1', 1n, null, undefined, {}]) {
      it(`integerToDotted(${typeof n}) is a TypeError`, () => {
        expect(() => integerToDotted(n as number)).to.throw(TypeError);
        expect(() => integerToVector(n as number)).to.throw(TypeError);
      });
    }
    it('dottedToVector of a non-string is a TypeError with ERR_INVALID_ARG_TYPE', () => {
      for (const x of [null, undefined, 1, new Uint8Array(4)]) {
        expect(() => dottedToVector(x as unknown as string)).to.throw(TypeError);
        expect(() => dottedToInteger(x as unknown as string)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      }
    });
  });

  it('vector results are fresh copies', () => {
    const src = new Uint8Array([1, 2, 3, 4]);
    const v = stringAddressToVector('1.2.3.4') as Uint8Array;
    v[0] = 9;
    expect(Array.from(dottedToVector('1.2.3.4'))).to.deep.equal([1, 2, 3, 4]);
    expect(vectorToDotted(src)).to.equal('1.2.3.4');
  });
});
