/**
 * Issue 4, multicast on internet datagram sockets: joinMulticastGroup / leaveMulticastGroup
 * (IPv4 by interface address, name and index; IPv6 by name and index) and the multicast
 * options through setOption / getOption.
 *
 * IPv4 groups are joined on the loopback interface (127.0.0.1). Linux's `lo` has no multicast
 * route for IPv6, so the IPv6 tests use an interface-local group (ff01::/16), which the kernel
 * loops back and never puts on the wire, on the first up, multicast-capable interface with
 * IPv6; they skip with a message when there is none.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import * as dgram from 'node:dgram';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  makeSocketPair,
  SocketDatagramInternetActive,
  SocketAddressInUseError,
  SocketAddressNotAvailableError,
  SocketClosedError,
  SocketOptionNotSupportedError,
} from '../../lib/sockets/index.js';
import { Ipv4Address } from '../../lib/address/index.js';
import { KindsCleanup, nextMessage, requireUdp6, expectTypeError, kindsPath } from '../helpers/kinds.js';
import { skipFor } from '../helpers/sockets.js';

type Udp = SocketDatagramInternetActive;

/** A random administratively scoped IPv4 group (239.x.y.z), so parallel runs do not meet. */
function group4(): string {
  const b = randomBytes(3);
  return `239.${b[0]}.${b[1]}.${Math.max(1, b[2]!)}`;
}

/** A random interface-local IPv6 group. */
function group6(): string {
  return `ff01::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
}

function ifindex(name: string): number {
  return Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8').trim());
}

/** The first up, multicast-capable, non-loopback interface with an IPv6 address, or null. */
function ipv6MulticastInterface(): string | null {
  if (!existsSync('/proc/net/if_inet6')) return null;
  const withV6 = new Set(readFileSync('/proc/net/if_inet6', 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).pop()!));
  for (const name of readdirSync('/sys/class/net')) {
    if (name === 'lo' || !withV6.has(name)) continue;
    const flags = parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim(), 16);
    if (flags & 0x1 && flags & 0x1000 && !(flags & 0x8)) return name;
  }
  return null;
}

async function receiver(cleanup: KindsCleanup, host = '0.0.0.0', port = 0): Promise<Udp> {
  return cleanup.add(await makeSocket({ type: 'datagram', localHost: host, localPort: port }));
}

/** An IPv4 sender whose multicast leaves through loopback. */
async function sender4(cleanup: KindsCleanup): Promise<Udp> {
  const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
  s.setOption('ipMulticastInterface', '127.0.0.1');
  return s;
}

/** The first message read must be `marker` (anything before it would be a multicast that should not have come). */
async function expectOnlyMarker(r: Udp, marker: string): Promise<void> {
  const m = await nextMessage(r);
  expect(m.data.toString(), 'nothing may arrive before the unicast marker').to.equal(marker);
}

describe('sockets-kinds: multicast', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  describe('IPv4 on loopback', () => {
    for (const [how, iface] of [
      ['interface address text', () => '127.0.0.1'],
      ['interface Ipv4Address', () => new Ipv4Address(new Uint8Array([127, 0, 0, 1]))],
      ['interface name', () => 'lo'],
      ['interface index', () => ifindex('lo')],
    ] as const) {
      it(`a datagram to a group joined by ${how} arrives, with the sender's address`, async () => {
        const group = group4();
        const r = await receiver(cleanup);
        expect(r.joinMulticastGroup(group, { interface: iface() })).to.equal(r);
        const s = await sender4(cleanup);
        const payload = randomBytes(200);
        s.write({ data: payload, host: group, port: r.localPort });
        const m = await nextMessage(r);
        expect(m.data.equals(payload)).to.equal(true);
        expect(m.host!.toString()).to.equal('127.0.0.1');
        expect(m.port).to.equal(s.localPort);
      });
    }

    it('every socket that joined on the same port gets its own copy (reuseAddress)', async () => {
      const group = group4();
      const r1 = await receiver(cleanup);
      const r2 = await receiver(cleanup, '0.0.0.0', r1.localPort);
      r1.joinMulticastGroup(group, { interface: '127.0.0.1' });
      r2.joinMulticastGroup(group, { interface: '127.0.0.1' });
      const s = await sender4(cleanup);
      for (let i = 0; i < 20; i++) s.write({ data: Buffer.from(`m${i}`), host: group, port: r1.localPort });
      for (const r of [r1, r2]) {
        for (let i = 0; i < 20; i++) expect((await nextMessage(r)).data.toString()).to.equal(`m${i}`);
      }
    });

    it('a node:dgram sender reaches a group we joined, and we reach a group node joined', async () => {
      const group = group4();
      const r = await receiver(cleanup);
      r.joinMulticastGroup(group, { interface: '127.0.0.1' });
      const n = cleanup.add(dgram.createSocket({ type: 'udp4', reuseAddr: true }));
      n.bind(0, '0.0.0.0');
      await once(n, 'listening');
      n.setMulticastInterface('127.0.0.1');
      n.send('from node', r.localPort!, group);
      expect((await nextMessage(r)).data.toString()).to.equal('from node');

      const group2 = group4();
      n.addMembership(group2, '127.0.0.1');
      const s = await sender4(cleanup);
      const got = once(n, 'message');
      s.write({ data: Buffer.from('from iolib'), host: group2, port: n.address().port });
      expect(((await got) as [Buffer])[0].toString()).to.equal('from iolib');
    });

    it('after leaveMulticastGroup nothing more arrives from the group', async () => {
      const group = group4();
      const r = await receiver(cleanup);
      r.joinMulticastGroup(group, { interface: '127.0.0.1' });
      const s = await sender4(cleanup);
      s.write({ data: Buffer.from('joined'), host: group, port: r.localPort });
      expect((await nextMessage(r)).data.toString()).to.equal('joined');
      expect(r.leaveMulticastGroup(group, { interface: '127.0.0.1' })).to.equal(r);
      s.write({ data: Buffer.from('after leave'), host: group, port: r.localPort });
      s.write({ data: Buffer.from('marker'), host: '127.0.0.1', port: r.localPort });
      await expectOnlyMarker(r, 'marker');
    });

    it('joining twice is SocketAddressInUseError; leaving a group not joined is SocketAddressNotAvailableError', async () => {
      const group = group4();
      const r = await receiver(cleanup);
      r.joinMulticastGroup(group, { interface: '127.0.0.1' });
      expect(() => r.joinMulticastGroup(group, { interface: '127.0.0.1' })).to.throw(SocketAddressInUseError);
      expect(() => r.leaveMulticastGroup(group4(), { interface: '127.0.0.1' })).to.throw(SocketAddressNotAvailableError);
    });

    it('ipMulticastTtl, ipMulticastLoop and ipMulticastInterface read back what was set', async () => {
      const s = await receiver(cleanup, '127.0.0.1');
      expect(s.getOption('ipMulticastTtl')).to.equal(1);
      s.setOption('ipMulticastTtl', 7);
      expect(s.getOption('ipMulticastTtl')).to.equal(7);
      expect(s.getOption('ipMulticastLoop')).to.equal(true);
      s.setOption('ipMulticastLoop', false);
      expect(s.getOption('ipMulticastLoop')).to.equal(false);
      s.setOption('ipMulticastInterface', '127.0.0.1');
      expect(String(s.getOption('ipMulticastInterface'))).to.equal('127.0.0.1');
    });

    it('ipMulticastTtl 0 still delivers to this host (TTL 0 never leaves it)', async () => {
      const group = group4();
      const r = await receiver(cleanup);
      r.joinMulticastGroup(group, { interface: '127.0.0.1' });
      const s = await sender4(cleanup);
      s.setOption('ipMulticastTtl', 0);
      s.write({ data: Buffer.from('ttl 0'), host: group, port: r.localPort });
      expect((await nextMessage(r)).data.toString()).to.equal('ttl 0');
    });
  });

  describe('IPv6', () => {
    function v6iface(ctx: Mocha.Context): string {
      const name = ipv6MulticastInterface();
      return name ?? skipFor(ctx, 'no up, multicast-capable interface with IPv6 here; lo cannot carry IPv6 multicast');
    }

    for (const how of ['name', 'index'] as const) {
      it(`an interface-local group joined by interface ${how} receives our datagram`, async function () {
        await requireUdp6(this);
        const name = v6iface(this);
        const group = group6();
        const r = cleanup.add(await makeSocket({ type: 'datagram', localHost: '::', localPort: 0 }));
        r.joinMulticastGroup(group, { interface: how === 'name' ? name : ifindex(name) });
        const s = cleanup.add(await makeSocket({ type: 'datagram', ipv6: true }));
        s.setOption('ipv6MulticastInterface', ifindex(name));
        expect(s.getOption('ipv6MulticastInterface')).to.equal(ifindex(name));
        s.write({ data: Buffer.from('v6 multicast'), host: group, port: r.localPort });
        const m = await nextMessage(r);
        expect(m.data.toString()).to.equal('v6 multicast');
        expect(m.host!.toString()).to.not.equal('::');
        r.leaveMulticastGroup(group, { interface: ifindex(name) });
      });
    }

    it('ipv6MulticastHops, ipv6MulticastLoop and ipv6MulticastInterface read back what was set', async function () {
      await requireUdp6(this);
      const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '::1', localPort: 0 }));
      expect(s.getOption('ipv6MulticastHops')).to.equal(1);
      s.setOption('ipv6MulticastHops', 9);
      expect(s.getOption('ipv6MulticastHops')).to.equal(9);
      expect(s.getOption('ipv6MulticastLoop')).to.equal(true);
      s.setOption('ipv6MulticastLoop', false);
      expect(s.getOption('ipv6MulticastLoop')).to.equal(false);
      s.setOption('ipv6MulticastInterface', 'lo');
      expect(s.getOption('ipv6MulticastInterface')).to.equal(ifindex('lo'));
    });

    it('an IPv6 group with an IPv4 interface address is a TypeError', async function () {
      await requireUdp6(this);
      const s = cleanup.add(await makeSocket({ type: 'datagram', ipv6: true }));
      await expectTypeError(() => s.joinMulticastGroup(group6(), { interface: '127.0.0.1' }), /interface/);
    });
  });

  describe('bad uses', () => {
    it('a unicast group is a TypeError naming it', async () => {
      const r = await receiver(cleanup);
      await expectTypeError(() => r.joinMulticastGroup('127.0.0.1'), /multicast/);
      await expectTypeError(() => r.leaveMulticastGroup('10.1.2.3'), /multicast/);
    });

    it('an IPv6 group on an IPv4 socket is a TypeError', async () => {
      const r = await receiver(cleanup);
      await expectTypeError(() => r.joinMulticastGroup('ff02::1'));
    });

    it('an unknown interface name, a negative index or a wrong interface type is a TypeError', async () => {
      const r = await receiver(cleanup);
      await expectTypeError(() => r.joinMulticastGroup(group4(), { interface: 'no-such-if0' }));
      await expectTypeError(() => r.joinMulticastGroup(group4(), { interface: -1 }));
      await expectTypeError(() => r.joinMulticastGroup(group4(), { interface: {} as never }));
    });

    it('multicast on a local socket is a TypeError: no membership methods, options not applicable', async () => {
      const path = cleanup.path(kindsPath('mcast'));
      const local = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      for (const s of [local, a]) {
        expect(s).to.not.have.property('joinMulticastGroup');
        expect(s).to.not.have.property('leaveMulticastGroup');
        expect(() => s.setOption('ipMulticastTtl', 1)).to.throw(SocketOptionNotSupportedError);
      }
    });

    it('multicast options do not apply to TCP sockets', async () => {
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
      expect(() => server.setOption('ipMulticastLoop', true)).to.throw(SocketOptionNotSupportedError);
    });

    it('on a closed socket, join fails with SocketClosedError', async () => {
      const r = await makeSocket({ type: 'datagram' });
      await r.close();
      expect(() => r.joinMulticastGroup(group4())).to.throw(SocketClosedError);
    });
  });
});
