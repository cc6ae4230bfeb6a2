import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { IolibError, UnknownServiceError, lookupService } from '../../lib/dns/index.js';
import { requireFile, thrown } from './helpers.js';

interface Entry {
  name: string;
  port: number;
  protocol: string;
  aliases: string[];
}

/** /etc/services as the C library reads it: name port/protocol aliases... # comment */
function parseServices(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2) continue;
    const m = /^(\d+)\/(\S+)$/.exec(fields[1]!);
    if (!m) continue;
    out.push({ name: fields[0]!, port: Number(m[1]), protocol: m[2]!, aliases: fields.slice(2) });
  }
  return out;
}

describe('iolib/dns: services', function () {
  let entries: Entry[] = [];
  before(function () {
    requireFile(this, '/etc/services');
    entries = parseServices(readFileSync('/etc/services', 'utf8'));
  });

  it('knows the usual services', () => {
    expect(lookupService('ssh')).to.deep.include({ port: 22, name: 'ssh', protocol: 'tcp' });
    expect(lookupService('domain', 'udp')).to.deep.include({ port: 53, name: 'domain', protocol: 'udp' });
    expect(lookupService(80)).to.deep.include({ port: 80, name: 'http', protocol: 'tcp' });
    expect(lookupService('www')).to.deep.include({ port: 80, name: 'http', protocol: 'tcp' });
    expect(lookupService('22', 'tcp')).to.deep.include({ port: 22, name: 'ssh' });
  });

  it('every tcp/udp entry of /etc/services round-trips by name, by each alias and by port', () => {
    const inet = entries.filter((e) => e.protocol === 'tcp' || e.protocol === 'udp');
    expect(inet.length).to.be.greaterThan(50);
    let checked = 0;
    for (const e of inet) {
      const proto = e.protocol as 'tcp' | 'udp';
      for (const n of [e.name, ...e.aliases]) {
        // The C library answers the first entry (in file order) that has this name for this protocol.
        const first = inet.find((x) => x.protocol === proto && (x.name === n || x.aliases.includes(n)))!;
        const got = lookupService(n, proto);
        expect(got, `${n}/${proto}`).to.deep.equal({ port: first.port, name: first.name, protocol: proto, aliases: first.aliases });
        checked++;
      }
      const byPort = inet.find((x) => x.protocol === proto && x.port === e.port)!;
      expect(lookupService(e.port, proto), `${e.port}/${proto}`).to.deep.equal({ port: e.port, name: byPort.name, protocol: proto, aliases: byPort.aliases });
      expect(lookupService(String(e.port), proto).name).to.equal(byPort.name);
      checked++;
    }
    expect(checked).to.be.greaterThan(inet.length);
  });

  it("protocol 'any' answers the first entry of any protocol", () => {
    for (const e of entries) {
      const first = entries.find((x) => x.name === e.name || x.aliases.includes(e.name))!;
      const got = lookupService(e.name, 'any');
      expect(got.port, e.name).to.equal(first.port);
      expect(got.protocol).to.equal(first.protocol);
      expect(got.name).to.equal(first.name);
      const byPort = entries.find((x) => x.port === e.port)!;
      expect(lookupService(e.port, 'any').name).to.equal(byPort.name);
    }
  });

  it('an unknown name or port throws UnknownServiceError with datum', () => {
    const err = thrown(() => lookupService('no-such-service-xyz'));
    expect(err).to.be.instanceOf(UnknownServiceError);
    expect(err).to.be.instanceOf(IolibError);
    expect(err.datum).to.equal('no-such-service-xyz');
    expect(err.protocol).to.equal('tcp');
    const unused = [...Array(65536).keys()].reverse().find((p) => !entries.some((e) => e.port === p && e.protocol === 'udp'))!;
    const err2 = thrown(() => lookupService(unused, 'udp'));
    expect(err2).to.be.instanceOf(UnknownServiceError);
    expect(err2.datum).to.equal(unused);
    expect(thrown(() => lookupService(''))).to.be.instanceOf(UnknownServiceError);
    // A tcp-only service is unknown for udp.
    const tcpOnly = entries.find((e) => e.protocol === 'tcp' && !entries.some((x) => x.protocol === 'udp' && (x.name === e.name || x.aliases.includes(e.name))));
    if (tcpOnly) expect(thrown(() => lookupService(tcpOnly.name, 'udp'))).to.be.instanceOf(UnknownServiceError);
  });

  it('rejects bad arguments with Node error codes', () => {
    expect(thrown(() => lookupService(65536)).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupService(-1)).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupService(1.5)).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupService('99999')).code).to.equal('ERR_OUT_OF_RANGE');
    expect(thrown(() => lookupService(null as never)).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => lookupService('ssh', 'sctp' as never)).code).to.equal('ERR_INVALID_ARG_VALUE');
  });
});
