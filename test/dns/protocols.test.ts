import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { IolibError, UnknownProtocolError, lookupProtocol } from '../../lib/dns/index.js';
import { requireFile, thrown } from './helpers.js';

interface Entry {
  name: string;
  number: number;
  aliases: string[];
}

/** /etc/protocols: name number aliases... # comment */
function parseProtocols(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2 || !/^\d+$/.test(fields[1]!)) continue;
    out.push({ name: fields[0]!, number: Number(fields[1]), aliases: fields.slice(2) });
  }
  return out;
}

describe('iolib/dns: protocols', function () {
  let entries: Entry[] = [];
  before(function () {
    requireFile(this, '/etc/protocols');
    entries = parseProtocols(readFileSync('/etc/protocols', 'utf8'));
  });

  it('knows tcp, udp and icmp', () => {
    expect(lookupProtocol('tcp')).to.deep.include({ name: 'tcp', number: 6 });
    expect(lookupProtocol(17)).to.deep.include({ name: 'udp', number: 17 });
    expect(lookupProtocol('1').name).to.equal('icmp');
  });

  it('every entry of /etc/protocols round-trips by name, by each alias and by number', () => {
    expect(entries.length).to.be.greaterThan(10);
    for (const e of entries) {
      for (const n of [e.name, ...e.aliases]) {
        const first = entries.find((x) => x.name === n || x.aliases.includes(n))!;
        expect(lookupProtocol(n), n).to.deep.equal(first);
      }
      const byNumber = entries.find((x) => x.number === e.number)!;
      expect(lookupProtocol(e.number), String(e.number)).to.deep.equal(byNumber);
      expect(lookupProtocol(String(e.number))).to.deep.equal(byNumber);
    }
  });

  it('an unknown name or number throws UnknownProtocolError with datum', () => {
    const err = thrown(() => lookupProtocol('no-such-protocol'));
    expect(err).to.be.instanceOf(UnknownProtocolError);
    expect(err).to.be.instanceOf(IolibError);
    expect(err.datum).to.equal('no-such-protocol');
    const unused = [...Array(256).keys()].reverse().find((n) => !entries.some((e) => e.number === n))!;
    const err2 = thrown(() => lookupProtocol(unused));
    expect(err2).to.be.instanceOf(UnknownProtocolError);
    expect(err2.datum).to.equal(unused);
  });

  it('rejects bad arguments with Node error codes', () => {
    expect(thrown(() => lookupProtocol(-1)).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupProtocol(2.5)).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupProtocol({} as never)).code).to.equal('ERR_INVALID_ARG_TYPE');
  });
});
