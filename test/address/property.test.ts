import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import {
  Ipv4Address,
  Ipv4Network,
  Ipv6Address,
  Ipv6Network,
  addressEqual,
  colonSeparatedToVector,
  dottedToInteger,
  dottedToVector,
  ensureAddress,
  hostPortion,
  integerToDotted,
  integerToVector,
  mapIpv4AddressToIpv6,
  mapIpv6AddressToIpv4,
  networkPortion,
  stringAddressToVector,
  vectorToColonSeparated,
  vectorToDotted,
  vectorToInteger,
} from '../../lib/address/index.js';

const RUNS = { numRuns: 2000 };

/** IPv6 words biased towards zero runs, so '::' placement is well exercised. */
const word = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
const words = fc.array(word, { minLength: 8, maxLength: 8 }).map((a) => new Uint16Array(a));
const bytes = fc.uint8Array({ minLength: 4, maxLength: 4 });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });

/** Non-canonical but valid IPv6 text for a vector: leading zeros, mixed case, optional '::', dotted tail. */
function looseIpv6(w: Uint16Array, pad: number[], upper: boolean[], compress: number, dotted: boolean): string {
  const parts = Array.from(w, (x, i) => {
    let s = x.toString(16).padStart(Math.min(4, Math.max(x.toString(16).length, pad[i]!)), '0');
    if (upper[i]) s = s.toUpperCase();
    return s;
  });
  let tail: string[] = parts;
  if (dotted) {
    const a = w[6]!;
    const b = w[7]!;
    tail = [...parts.slice(0, 6), `${a >>> 8}.${a & 0xff}.${b >>> 8}.${b & 0xff}`];
  }
  // compress one run of zero groups (not inside the dotted tail) when asked and possible
  const n = dotted ? 6 : 8;
  const zeroRuns: [number, number][] = [];
  for (let i = 0; i < n; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && w[j] === 0) j++;
    zeroRuns.push([i, j]);
    i = j;
  }
  if (zeroRuns.length > 0 && compress >= 0) {
    const [s, e] = zeroRuns[compress % zeroRuns.length]!;
    return `${tail.slice(0, s).join(':')}::${tail.slice(e).join(':')}`;
  }
  return tail.join(':');
}

/** Characters that make near-miss address strings. */
const nearChars = fc.constantFrom(...'0123456789abcdefABCDEF:.:.:.gG x-+/%[]0'.split(''));

function mutate(base: string, edits: [number, number, string][]): string {
  let s = base;
  for (const [op, pos, ch] of edits) {
    const p = s.length === 0 ? 0 : pos % (s.length + 1);
    if (op === 0) s = s.slice(0, p) + ch + s.slice(p);
    else if (op === 1) s = s.slice(0, p) + s.slice(p + 1);
    else s = s.slice(0, p) + ch + s.slice(p + 1);
  }
  return s;
}

const edits = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), nearChars), { minLength: 1, maxLength: 3 });

const baseText = fc.oneof(
  bytes.map((b) => vectorToDotted(b)),
  words.map((w) => vectorToColonSeparated(w)),
  fc.tuple(words, fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.integer({ min: -1, max: 3 }), fc.boolean()).map(
    ([w, pad, up, c, d]) => looseIpv6(w, pad, up, c, d),
  ),
);

function ourFamily(s: string): 0 | 4 | 6 {
  const v = stringAddressToVector(s);
  return v === null ? 0 : v instanceof Uint8Array ? 4 : 6;
}

describe('iolib/address: properties (fast-check)', () => {
  it('IPv4: parse(print(bytes)) == bytes, and integer round trips', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const text = vectorToDotted(b);
        expect(Array.from(dottedToVector(text))).to.deep.equal(Array.from(b));
        expect(isIP(text)).to.equal(4);
        const n = vectorToInteger(b);
        expect(n).to.be.at.least(0).and.at.most(0xffffffff);
        expect(Array.from(integerToVector(n))).to.deep.equal(Array.from(b));
        expect(dottedToInteger(text)).to.equal(n);
        expect(integerToDotted(n)).to.equal(text);
        const a = new Ipv4Address(b);
        expect(Ipv4Address.fromString(a.toString()).equals(a)).to.equal(true);
        expect(ensureAddress(a.toInteger()).equals(a)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('IPv4: integer -> dotted -> integer is the identity, with no sign errors', () => {
    fc.assert(
      fc.property(uint32, (n) => {
        expect(dottedToInteger(integerToDotted(n))).to.equal(n);
      }),
      RUNS,
    );
  });

  it('IPv6: parse(print(words)) == words, output is canonical and inet_pton-valid', () => {
    fc.assert(
      fc.property(words, (w) => {
        const text = vectorToColonSeparated(w);
        expect(Array.from(colonSeparatedToVector(text))).to.deep.equal(Array.from(w));
        expect(isIP(text)).to.equal(6);
        expect(text).to.equal(text.toLowerCase());
        expect(text.length).to.be.at.most(45);
        expect(text).to.not.match(/(^|:)0[0-9a-f]/);
        expect(text).to.not.match(/:::/);
        const up = vectorToColonSeparated(w, 'upcase');
        expect(up).to.equal(text.toUpperCase());
        expect(Array.from(colonSeparatedToVector(up))).to.deep.equal(Array.from(w));
        const a = new Ipv6Address(w);
        expect(Ipv6Address.fromString(a.toString()).equals(a)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('IPv6: every valid spelling of an address parses to the same words and prints the same text', () => {
    fc.assert(
      fc.property(
        words,
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: -1, max: 3 }),
        fc.boolean(),
        (w, pad, up, c, d) => {
          const loose = looseIpv6(w, pad, up, c, d);
          expect(isIP(loose), loose).to.equal(6);
          expect(Array.from(colonSeparatedToVector(loose)), loose).to.deep.equal(Array.from(w));
          expect(ensureAddress(loose).toString()).to.equal(vectorToColonSeparated(w));
          expect(addressEqual(loose, w)).to.equal(true);
        },
      ),
      RUNS,
    );
  });

  it('IPv6 with a numeric scope id: parse(print(x)) == x', () => {
    fc.assert(
      fc.property(words, uint32, (w, scope) => {
        const a = new Ipv6Address(w, scope);
        const b = Ipv6Address.fromString(a.toString());
        expect(b.equals(a)).to.equal(true);
        expect(b.scopeId).to.equal(scope);
      }),
      { numRuns: 300 },
    );
  });

  it('the parser agrees with node:net isIP on random near-miss strings', () => {
    fc.assert(
      fc.property(baseText, edits, (base, e) => {
        const s = mutate(base, e);
        // node:net accepts any %zone text; ours resolves zones, and the vector level refuses them.
        fc.pre(!s.includes('%'));
        expect(ourFamily(s), JSON.stringify(s)).to.equal(isIP(s));
        expect(ensureAddress(s, { errorp: false }) === null, JSON.stringify(s)).to.equal(isIP(s) === 0);
      }),
      { numRuns: 20000 },
    );
  });

  it('the parser agrees with node:net isIP on arbitrary short strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: nearChars, maxLength: 20 }), (s) => {
        fc.pre(!s.includes('%'));
        expect(ourFamily(s), JSON.stringify(s)).to.equal(isIP(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('IPv4 <-> IPv4-mapped IPv6 round trip', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const a = new Ipv4Address(b);
        const m = mapIpv4AddressToIpv6(a);
        expect(m.toString()).to.equal(`::ffff:${a.toString()}`);
        expect(mapIpv6AddressToIpv4(m).equals(a)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('network and host portions partition an address', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 0, max: 32 }), (n, p) => {
        const a = Ipv4Address.fromInteger(n);
        const net = networkPortion(a, p).toInteger();
        const host = hostPortion(a, p).toInteger();
        expect((net | host) >>> 0).to.equal(n);
        expect(net & host).to.equal(0);
        const network = new Ipv4Network(a, p);
        expect(network.contains(a)).to.equal(true);
        expect(network.address.toInteger()).to.equal(net);
        expect(network.broadcast.toInteger()).to.equal(net + network.addressCount - 1);
        expect(new Ipv4Network(network.toString()).equals(network)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('IPv6 networks: parse(print(net)) == net, and the network holds its addresses', () => {
    fc.assert(
      fc.property(words, fc.integer({ min: 0, max: 128 }), (w, p) => {
        const n = new Ipv6Network(new Ipv6Address(w), p);
        expect(n.contains(new Ipv6Address(w))).to.equal(true);
        expect(new Ipv6Network(n.toString()).equals(n)).to.equal(true);
        expect(networkPortion(new Ipv6Address(w), p).equals(n.address)).to.equal(true);
        expect(n.addressCount).to.equal(1n << BigInt(128 - p));
      }),
      RUNS,
    );
  });
});
