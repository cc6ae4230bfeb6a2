import { expect } from 'chai';
import { networkInterfaces } from 'node:os';
import { InetAddress, Ipv4Address, Ipv6Address, IPV4_LOOPBACK, IPV6_LOOPBACK } from '../../lib/address/index.js';
import {
  IolibError,
  ResolverError,
  ResolverNoNameError,
  ResolverUnknownError,
  ensureHostname,
  lookupAddresses,
  lookupHostname,
  lookupName,
} from '../../lib/dns/index.js';
import { rejection, requireFile } from './helpers.js';

const INVALID = 'no-such-host.invalid';

function all(entry: { address: InetAddress; addresses: InetAddress[] }): string[] {
  return [entry.address, ...entry.addresses].map(String);
}

describe('iolib/dns: hosts', () => {
  describe('lookupHostname', () => {
    it('localhost resolves to 127.0.0.1 with ipv6: false', async () => {
      const r = await lookupHostname('localhost', { ipv6: false });
      expect(r.address).to.be.instanceOf(Ipv4Address);
      expect(r.address.equals(IPV4_LOOPBACK)).to.equal(true);
      expect([r.address, ...r.addresses].every((a) => a instanceof Ipv4Address)).to.equal(true);
      expect(r.canonicalName).to.be.a('string').and.not.equal('');
    });

    it("localhost resolves to ::1 with ipv6: 'only'", async () => {
      const r = await lookupHostname('localhost', { ipv6: 'only' });
      expect(r.address.equals(IPV6_LOOPBACK)).to.equal(true);
      expect([r.address, ...r.addresses].every((a) => a instanceof Ipv6Address)).to.equal(true);
    });

    it('localhost resolves to both 127.0.0.1 and ::1 by default (ipv6: true)', async () => {
      const r = await lookupHostname('localhost');
      expect(all(r)).to.include('127.0.0.1');
      expect(all(r)).to.include('::1');
      expect(r.addresses.map(String)).to.not.include(r.address.toString());
      expect(new Set(all(r)).size).to.equal(all(r).length);
    });

    it('answers first address, the rest, canonical name and aliases with every address', async () => {
      const r = await lookupHostname('LocalHost', { ipv6: false });
      expect(r.aliases.length).to.be.greaterThan(0);
      const [canonical, addrs] = r.aliases[0]!;
      expect(canonical).to.equal(r.canonicalName);
      expect(addrs.map(String)).to.deep.equal(all(r));
      for (const [name, list] of r.aliases) {
        expect(name).to.be.a('string');
        expect(list.every((a) => a instanceof InetAddress)).to.equal(true);
      }
      expect(r.aliases.map(([n]) => n.toLowerCase())).to.include('localhost');
    });

    it('looks up a name from /etc/hosts', async () => {
      const r = await lookupHostname('localhost.', { ipv6: false });
      expect(r.address.toString()).to.equal('127.0.0.1');
    });

    it('answers literal addresses without a look-up', async () => {
      for (const [input, text] of [
        ['127.0.0.1', '127.0.0.1'],
        ['::1', '::1'],
        ['192.0.2.1', '192.0.2.1'],
        [new Uint8Array([10, 0, 0, 1]), '10.0.0.1'],
        [0x7f000001, '127.0.0.1'],
        [IPV6_LOOPBACK, '::1'],
      ] as const) {
        const r = await lookupHostname(input);
        expect(r.address.toString()).to.equal(text);
        expect(r.addresses).to.deep.equal([]);
        expect(r.canonicalName).to.equal(text);
      }
    });

    it('an already aborted signal rejects at once with AbortError', async () => {
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      const err = await rejection(lookupHostname('localhost', { signal: ac.signal }));
      expect(err.name).to.equal('AbortError');
      expect(err.code).to.equal('ABORT_ERR');
      expect(err.cause.message).to.equal('stop');
    });

    it('aborting while the look-up is on the thread pool rejects with AbortError', async () => {
      const ac = new AbortController();
      const p = lookupHostname('localhost', { signal: ac.signal });
      ac.abort();
      const err = await rejection(p);
      expect(err.name).to.equal('AbortError');
      const q = lookupAddresses('localhost', null, { signal: ac.signal });
      expect((await rejection(q)).name).to.equal('AbortError');
    });

    it('a generous timeout does not get in the way', async () => {
      const r = await lookupHostname('localhost', { ipv6: false, timeout: 10000 });
      expect(r.address.toString()).to.equal('127.0.0.1');
    });

    it('a .invalid name gives ResolverNoNameError carrying the datum', async () => {
      const err = await rejection(lookupHostname(INVALID));
      expect(err).to.be.instanceOf(ResolverNoNameError);
      expect(err).to.be.instanceOf(ResolverError);
      expect(err).to.be.instanceOf(IolibError);
      expect(err.datum).to.equal(INVALID);
      expect(err.code).to.equal('EAI_NONAME');
      expect(err.message).to.include(INVALID);
    });

    it('refuses lenient numeric forms the C resolver would guess (0127.0.0.1 is not 87.0.0.1)', async () => {
      for (const text of ['0127.0.0.1', '127.1', '0x7f.0.0.1', '2130706433', '1.2.3.04']) {
        const err = await rejection(lookupHostname(text));
        expect(err, text).to.be.instanceOf(ResolverNoNameError);
        expect(err.datum).to.equal(text);
      }
    });

    it('rejects (never throws) on bad arguments', async () => {
      const p = lookupHostname(42n as never);
      expect(p).to.be.instanceOf(Promise);
      const err = await rejection(p);
      expect(err).to.be.instanceOf(TypeError);
      expect(err.code).to.equal('ERR_INVALID_ARG_TYPE');
      const err2 = await rejection(lookupHostname('localhost', { ipv6: 'yes' as never }));
      expect(err2.code).to.equal('ERR_INVALID_ARG_VALUE');
      const err3 = await rejection(lookupHostname('localhost', { timeout: -1 }));
      expect(err3.code).to.equal('ERR_OUT_OF_RANGE');
    });

    it('many look-ups run concurrently on the thread pool', async () => {
      const results = await Promise.all(Array.from({ length: 32 }, () => lookupHostname('localhost', { ipv6: false })));
      for (const r of results) expect(r.address.toString()).to.equal('127.0.0.1');
    });
  });

  describe('ensureHostname', () => {
    it('an address designator is its address; a name is its first address, with the rest as IOLib\'s second value', async () => {
      expect(await ensureHostname('192.0.2.7')).to.deep.include({ addresses: [] });
      expect((await ensureHostname('192.0.2.7'))!.address.toString()).to.equal('192.0.2.7');
      expect((await ensureHostname(new Uint16Array([0, 0, 0, 0, 0, 0, 0, 1])))!.address.toString()).to.equal('::1');
      expect((await ensureHostname('localhost', { ipv6: false }))!.address.toString()).to.equal('127.0.0.1');
      expect((await ensureHostname('localhost', { ipv6: 'only' }))!.address.toString()).to.equal('::1');
      const all = await lookupHostname('localhost', { ipv6: true });
      const ensured = (await ensureHostname('localhost', { ipv6: true }))!;
      expect([ensured.address, ...ensured.addresses].map(String)).to.deep.equal([all.address, ...all.addresses].map(String));
    });
    it('errorp: false resolves to null on a resolver failure; errorp: true rejects', async () => {
      expect(await ensureHostname(INVALID, { errorp: false })).to.equal(null);
      const err = await rejection(ensureHostname(INVALID));
      expect(err).to.be.instanceOf(ResolverNoNameError);
      expect(err.datum).to.equal(INVALID);
    });
  });

  describe('lookupAddresses (getaddrinfo)', () => {
    it('a null node with passive gives the wildcard addresses', async function () {
      requireFile(this, '/etc/services');
      const list = await lookupAddresses(null, 80, { flags: { passive: true }, type: 'stream' });
      expect(list.length).to.be.greaterThan(0);
      for (const e of list) {
        expect(e.address.isUnspecified()).to.equal(true);
        expect(e.port).to.equal(80);
        expect(e.type).to.equal('stream');
        expect(e.protocol).to.equal(6);
      }
      expect(list.map((e) => e.address.toString())).to.include('0.0.0.0');
      const v6 = await lookupAddresses(null, 'http', { family: 'ipv6', flags: { passive: true }, type: 'stream' });
      expect(v6.map((e) => [e.family, e.address.toString(), e.port])).to.deep.equal([['ipv6', '::', 80]]);
      const v4 = await lookupAddresses(null, '8080', { family: 'ipv4', flags: { passive: true }, type: 'datagram' });
      expect(v4.map((e) => [e.family, e.type, e.protocol, e.address.toString(), e.port])).to.deep.equal([['ipv4', 'datagram', 17, '0.0.0.0', 8080]]);
    });

    it('a null node without passive gives the loopback addresses', async () => {
      const list = await lookupAddresses(null, 22, { type: 'stream' });
      expect(list.length).to.be.greaterThan(0);
      for (const e of list) expect(e.address.isLoopback()).to.equal(true);
    });

    it('answers the whole list: every type unless one is asked for', async function () {
      requireFile(this, '/etc/services');
      const list = await lookupAddresses('localhost', 'domain', { family: 'ipv4' });
      const types = list.map((e) => e.type);
      expect(types).to.include('stream');
      expect(types).to.include('datagram');
      for (const e of list) {
        expect(e.family).to.equal('ipv4');
        expect(e.address.toString()).to.equal('127.0.0.1');
        expect(e.address).to.be.instanceOf(Ipv4Address);
      }
      const stream = list.find((e) => e.type === 'stream')!;
      expect(stream.port).to.equal(53);
      expect(stream.protocol).to.equal(6);
    });

    it('canonicalName puts the canonical name on the first entry only', async () => {
      const list = await lookupAddresses('localhost', null, { family: 'ipv4', type: 'stream', flags: { canonicalName: true } });
      expect(list[0]!.canonicalName).to.equal('localhost');
      for (const e of list.slice(1)) expect(e).to.not.have.property('canonicalName');
      const plain = await lookupAddresses('localhost', null, { family: 'ipv4', type: 'stream' });
      expect(plain[0]).to.not.have.property('canonicalName');
    });

    it('protocol by name or number selects the entries', async function () {
      requireFile(this, '/etc/protocols');
      const udp = await lookupAddresses('127.0.0.1', 53, { protocol: 'udp' });
      expect(udp.length).to.be.greaterThan(0);
      for (const e of udp) {
        expect(e.protocol).to.equal(17);
        expect(e.type).to.equal('datagram');
      }
      const tcp = await lookupAddresses('127.0.0.1', 53, { protocol: 6 });
      for (const e of tcp) expect(e.type).to.equal('stream');
    });

    it('numericHost refuses names; numericService refuses service names', async () => {
      const list = await lookupAddresses('::1', '22', { flags: { numericHost: true, numericService: true }, type: 'stream' });
      expect(list.map((e) => [e.address.toString(), e.port])).to.deep.equal([['::1', 22]]);
      const e1 = await rejection(lookupAddresses('localhost', null, { flags: { numericHost: true } }));
      expect(e1).to.be.instanceOf(ResolverNoNameError);
      expect(e1.datum).to.equal('localhost');
      const e2 = await rejection(lookupAddresses('127.0.0.1', 'ssh', { flags: { numericService: true } }));
      expect(e2).to.be.instanceOf(ResolverError);
    });

    it('v4Mapped maps IPv4 answers into IPv6 ones; all adds them to IPv6 answers', async () => {
      const mapped = await lookupAddresses('127.0.0.1', null, { family: 'ipv6', type: 'stream', flags: { v4Mapped: true } });
      expect(mapped.map((e) => [e.family, e.address.toString()])).to.deep.equal([['ipv6', '::ffff:127.0.0.1']]);
      const both = await lookupAddresses('localhost', null, { family: 'ipv6', type: 'stream', flags: { v4Mapped: true, all: true } });
      expect(both.length).to.be.greaterThan(0);
      for (const e of both) expect(e.family).to.equal('ipv6');
      expect(both.map((e) => e.address.toString())).to.include('::ffff:127.0.0.1');
    });

    it('addressConfig answers only families the host has a non-loopback address of', async () => {
      const hasV4 = Object.values(networkInterfaces()).some((l) => l!.some((a) => a.family === 'IPv4' && !a.internal));
      const hasV6 = Object.values(networkInterfaces()).some((l) => l!.some((a) => a.family === 'IPv6' && !a.internal));
      const answer = await lookupAddresses('localhost', null, { type: 'stream', flags: { addressConfig: true } }).catch((e: unknown) => e);
      if (hasV4) {
        expect(Array.isArray(answer)).to.equal(true);
        expect((answer as { address: InetAddress }[]).map((e) => e.address.toString())).to.include('127.0.0.1');
      }
      if (Array.isArray(answer)) {
        for (const e of answer) expect(e.family === 'ipv4' ? hasV4 : hasV6).to.equal(true);
      } else {
        expect(hasV4).to.equal(false);
        expect(answer).to.be.instanceOf(ResolverNoNameError);
      }
    });

    it('raw and seqpacket types are passed through to the resolver', async () => {
      const raw = await lookupAddresses('127.0.0.1', null, { type: 'raw' });
      expect(raw.map((e) => [e.type, e.address.toString()])).to.deep.equal([['raw', '127.0.0.1']]);
      const sp = await lookupAddresses('127.0.0.1', null, { type: 'seqpacket' });
      expect(sp.length).to.be.greaterThan(0);
      for (const e of sp) expect(e.type).to.equal('seqpacket');
    });

    it('maps resolver failures to typed errors with datum', async () => {
      const noname = await rejection(lookupAddresses(INVALID, 80));
      expect(noname).to.be.instanceOf(ResolverNoNameError);
      expect(noname.datum).to.equal(INVALID);
      const family = await rejection(lookupAddresses('localhost', null, { family: 'local' }));
      expect(family).to.be.instanceOf(ResolverUnknownError);
      expect(family.code).to.equal('EAI_FAMILY');
      const service = await rejection(lookupAddresses('localhost', 'no-such-service-here', { type: 'stream' }));
      expect(service).to.be.instanceOf(ResolverError);
      expect(service.code).to.match(/^EAI_/);
      const numeric = await rejection(lookupAddresses('0127.0.0.1', 80));
      expect(numeric).to.be.instanceOf(ResolverNoNameError);
    });

    it('rejects bad arguments', async () => {
      expect((await rejection(lookupAddresses(5 as never))).code).to.equal('ERR_INVALID_ARG_TYPE');
      expect((await rejection(lookupAddresses('localhost', 70000))).code).to.equal('ERR_OUT_OF_RANGE');
      expect((await rejection(lookupAddresses('localhost', null, { family: 'ipx' as never }))).code).to.equal('ERR_INVALID_ARG_VALUE');
      expect((await rejection(lookupAddresses('localhost', null, { type: 'dgram' as never }))).code).to.equal('ERR_INVALID_ARG_VALUE');
      expect((await rejection(lookupAddresses('localhost', null, { flags: { bogus: true } as never }))).code).to.equal('ERR_INVALID_ARG_VALUE');
      expect((await rejection(lookupAddresses('localhost', null, { flags: { passive: 1 } as never }))).code).to.equal('ERR_INVALID_ARG_TYPE');
      expect((await rejection(lookupAddresses('localhost', null, { protocol: 300 }))).code).to.equal('ERR_OUT_OF_RANGE');
    });
  });

  describe('lookupName (getnameinfo)', () => {
    it('127.0.0.1 port 22 is localhost / ssh', async function () {
      requireFile(this, '/etc/services');
      expect(await lookupName('127.0.0.1', { port: 22 })).to.deep.equal({ host: 'localhost', service: 'ssh' });
      expect(await lookupName(IPV4_LOOPBACK, { port: 22 })).to.deep.equal({ host: 'localhost', service: 'ssh' });
    });
    it('numeric flags answer the address and port as text', async function () {
      requireFile(this, '/etc/services');
      expect(await lookupName('127.0.0.1', { port: 22, flags: { numericHost: true, numericService: true } })).to.deep.equal({ host: '127.0.0.1', service: '22' });
      expect(await lookupName('::1', { port: 80, flags: { numericHost: true } })).to.deep.equal({ host: '::1', service: 'http' });
    });
    it('datagram asks for the udp service name', async function () {
      requireFile(this, '/etc/services');
      expect((await lookupName('127.0.0.1', { port: 53, flags: { datagram: true, numericHost: true } })).service).to.equal('domain');
    });
    it('an address without a name answers its text, or fails with nameRequired', async function () {
      this.timeout(60000);
      // 192.0.2.0/24 is TEST-NET-1: not in /etc/hosts; a reverse DNS query fails (at once
      // with EAI_NONAME, or with EAI_AGAIN where no DNS server answers).
      const err = await rejection(lookupName('192.0.2.77', { flags: { nameRequired: true } }));
      expect(err).to.be.instanceOf(ResolverError);
      expect(['EAI_NONAME', 'EAI_AGAIN']).to.include(err.code);
      expect(String(err.datum)).to.equal('192.0.2.77');
      expect(err.message).to.match(/^Name look-up of 192\.0\.2\.77 failed: EAI_/);
    });
    it('an unknown service names the service, not the host', async () => {
      const err = await rejection(lookupAddresses('127.0.0.1', 'no-such-service-x'));
      expect(err).to.be.instanceOf(ResolverError);
      expect(err.code).to.equal('EAI_SERVICE');
      expect(err.datum).to.equal('no-such-service-x');
      expect(err.message).to.match(/^Service look-up of "no-such-service-x" failed: EAI_SERVICE/);
    });
    it('rejects bad arguments', async () => {
      expect((await rejection(lookupName('127.0.0.1', { port: -1 }))).code).to.equal('ERR_OUT_OF_RANGE');
      expect((await rejection(lookupName('not an address'))).name).to.equal('AddressParseError');
      expect((await rejection(lookupName('127.0.0.1', { flags: { nope: true } as never }))).code).to.equal('ERR_INVALID_ARG_VALUE');
    });
  });
});
