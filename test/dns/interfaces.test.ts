import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { InetAddress, Ipv4Address, Ipv6Address, ensureAddress } from '../../lib/address/index.js';
import {
  IolibError,
  SyscallError,
  UnknownInterfaceError,
  interfaceIndex,
  interfaceName,
  listAdapters,
  listNetworkInterfaces,
  lookupInterface,
  makeInterface,
} from '../../lib/dns/index.js';
import { thrown } from './helpers.js';

const SYS = '/sys/class/net';
const hasSys = existsSync(SYS);

function sys(name: string, file: string): string {
  return readFileSync(`${SYS}/${name}/${file}`, 'latin1').trim();
}

function sysNames(): string[] {
  return readdirSync(SYS).filter((n) => existsSync(`${SYS}/${n}/ifindex`));
}

/** A name no interface has. */
function unusedName(): string {
  const names = new Set(listNetworkInterfaces().map((i) => i.name));
  let n = 0;
  while (names.has(`nosuch${n}`)) n++;
  return `nosuch${n}`;
}

function unusedIndex(): number {
  return Math.max(...listNetworkInterfaces().map((i) => i.index)) + 1000;
}

describe('iolib/dns: interfaces', () => {
  it('listNetworkInterfaces agrees with /sys/class/net (names and indexes)', function () {
    if (!hasSys) this.skip();
    const list = listNetworkInterfaces();
    expect(list.map((i) => i.name).sort()).to.deep.equal(sysNames().sort());
    for (const i of list) expect(i.index, i.name).to.equal(Number(sys(i.name, 'ifindex')));
    expect(list.map((i) => i.index)).to.deep.equal([...list.map((i) => i.index)].sort((a, b) => a - b));
  });

  it('listNetworkInterfaces includes every interface node:os reports', () => {
    const names = listNetworkInterfaces().map((i) => i.name);
    for (const name of Object.keys(networkInterfaces())) expect(names).to.include(name);
  });

  it('lookupInterface by name and by index; interfaceIndex and interfaceName', () => {
    for (const i of listNetworkInterfaces()) {
      expect(lookupInterface(i.name)).to.deep.equal(i);
      expect(lookupInterface(i.index)).to.deep.equal(i);
      expect(lookupInterface(i)).to.deep.equal(i);
      expect(interfaceIndex(i.name)).to.equal(i.index);
      expect(interfaceIndex(i)).to.equal(i.index);
      expect(interfaceIndex(i.index)).to.equal(i.index);
      expect(interfaceName(i.index)).to.equal(i.name);
      expect(interfaceName(i)).to.equal(i.name);
      expect(interfaceName(i.name)).to.equal(i.name);
    }
    expect(lookupInterface('lo').index).to.be.greaterThan(0);
  });

  it('makeInterface builds an interface object without a look-up', () => {
    const i = makeInterface('virtual9', 77);
    expect(i).to.deep.equal({ name: 'virtual9', index: 77 });
    expect(interfaceName(i)).to.equal('virtual9');
    expect(interfaceIndex(i)).to.equal(77);
    expect(Object.isFrozen(i)).to.equal(true);
    expect(thrown(() => makeInterface(5 as never, 1)).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => makeInterface('x', -1)).code).to.equal('ERR_OUT_OF_RANGE');
  });

  it('an unknown name or index is UnknownInterfaceError: a SyscallError, ENXIO, with datum', () => {
    const name = unusedName();
    for (const [datum, fn] of [
      [name, () => lookupInterface(name)],
      [name, () => interfaceIndex(name)],
      [unusedIndex(), () => interfaceName(unusedIndex())],
      [unusedIndex(), () => lookupInterface(unusedIndex())],
      ['', () => lookupInterface('')],
      ['x'.repeat(40), () => lookupInterface('x'.repeat(40))],
    ] as const) {
      const err = thrown(fn);
      expect(err).to.be.instanceOf(UnknownInterfaceError);
      expect(err).to.be.instanceOf(SyscallError);
      expect(err).to.be.instanceOf(IolibError);
      expect(err.code).to.equal('ENXIO');
      expect(err.errno).to.equal(6);
      expect(err.datum).to.equal(datum);
    }
    expect(thrown(() => lookupInterface(null as never)).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => lookupInterface(1.5)).code).to.equal('ERR_OUT_OF_RANGE');
  });
});

describe('iolib/dns: listAdapters', () => {
  it('lists every interface of /sys/class/net with its index, MTU, hardware address, type and flags', function () {
    if (!hasSys) this.skip();
    const adapters = listAdapters();
    expect(adapters.map((a) => a.name).sort()).to.deep.equal(sysNames().sort());
    for (const a of adapters) {
      expect(a.index, a.name).to.equal(Number(sys(a.name, 'ifindex')));
      expect(a.mtu, a.name).to.equal(Number(sys(a.name, 'mtu')));
      const hw = sys(a.name, 'address');
      expect(a.hardwareAddress ?? '', a.name).to.equal(hw);
      const type = Number(sys(a.name, 'type'));
      if (type === 1) expect(a.type).to.equal('ethernet');
      if (type === 772) expect(a.type).to.equal('loopback');
      if (type === 65534) expect(a.type).to.equal('none');
      const flags = Number(sys(a.name, 'flags'));
      expect(a.flags.up, a.name).to.equal((flags & 0x1) !== 0);
      expect(a.flags.broadcast).to.equal((flags & 0x2) !== 0);
      expect(a.flags.loopback).to.equal((flags & 0x8) !== 0);
      expect(a.flags.pointToPoint).to.equal((flags & 0x10) !== 0);
      expect(a.flags.noArp).to.equal((flags & 0x80) !== 0);
      expect(a.flags.multicast).to.equal((flags & 0x1000) !== 0);
      expect(a.status).to.equal(a.flags.up ? 'up' : 'down');
      expect(a.flagBits & 0xffff & ~0x340).to.equal(flags & ~0x340);
    }
    expect(adapters.find((a) => a.name === 'lo')?.flags.loopback).to.equal(true);
  });

  it('every address node:os reports is in listAdapters, with the same netmask, prefix, MAC and scope', () => {
    const adapters = new Map(listAdapters().map((a) => [a.name, a]));
    let seen = 0;
    for (const [name, list] of Object.entries(networkInterfaces())) {
      const a = adapters.get(name);
      expect(a, name).to.not.equal(undefined);
      for (const info of list!) {
        const expected = ensureAddress(info.address);
        const match = a!.addresses.find((x) => String(x.address.name) === String(expected.name) && x.family === expected.type);
        expect(match, `${name} ${info.address}`).to.not.equal(undefined);
        expect(match!.netmask!.toString()).to.equal(ensureAddress(info.netmask).toString());
        expect(match!.prefixLength).to.equal(Number(info.cidr!.split('/')[1]));
        if (info.family === 'IPv6') expect((match!.address as Ipv6Address).scopeId).to.equal(info.scopeid);
        expect(a!.hardwareAddress ?? '00:00:00:00:00:00').to.equal(info.mac);
        seen++;
      }
    }
    expect(seen).to.be.greaterThan(0);
  });

  it('the addresses of running interfaces are exactly those node:os reports', () => {
    const os = networkInterfaces();
    for (const a of listAdapters()) {
      if (!a.flags.up || !a.flags.running) continue;
      const theirs = (os[a.name] ?? []).map((i) => ensureAddress(i.address).name.toString()).sort();
      const ours = a.addresses.map((x) => x.address.name.toString()).sort();
      expect(ours, a.name).to.deep.equal(theirs);
    }
  });

  it('addresses carry netmask and broadcast (IPv4 broadcast interfaces) or peer', () => {
    for (const a of listAdapters()) {
      for (const x of a.addresses) {
        expect(x.address).to.be.instanceOf(InetAddress);
        expect(x.family).to.equal(x.address.type);
        expect(x.netmask!.type).to.equal(x.family);
        if (a.flags.pointToPoint) expect(x.broadcast).to.equal(null);
        else expect(x.peer).to.equal(null);
        if (x.family === 'ipv4' && a.flags.broadcast && !a.flags.pointToPoint) {
          expect(x.broadcast).to.be.instanceOf(Ipv4Address);
          // The broadcast address is the address with every host bit set.
          const mask = (x.netmask as Ipv4Address).toInteger();
          const expected = ((x.address as Ipv4Address).toInteger() | ~mask) >>> 0;
          expect((x.broadcast as Ipv4Address).toInteger()).to.equal(expected);
        }
        if (x.family === 'ipv6') expect(x.broadcast).to.equal(null);
      }
    }
    const lo = listAdapters().find((a) => a.name === 'lo');
    if (lo) {
      expect(lo.addresses.map((x) => x.address.toString())).to.include('127.0.0.1');
      expect(lo.addresses.find((x) => x.address.toString() === '127.0.0.1')!.prefixLength).to.equal(8);
    }
  });
});
