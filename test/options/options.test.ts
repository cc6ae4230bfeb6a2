import { expect } from 'chai';
import { getgid, getuid } from 'node:process';
import { constants as osConstants } from 'node:os';
import { H, native, C } from '../../lib/native.js';
import type { FdHandle } from '../../lib/native.js';
import { Ipv4Address } from '../../lib/address/index.js';
import { SocketOptionNotSupportedError, SocketError } from '../../lib/errors.js';
import { lookupInterface } from '../../lib/dns/index.js';
import {
  getSocketOption,
  listSocketOptions,
  setSocketOption,
  encodeSocketOption,
  socketOptionApplies,
} from '../../lib/sockets/options.js';
import type { OptionTarget, SocketOptionInfo, SocketOptionValue } from '../../lib/sockets/options.js';

const linux = process.platform === 'linux';
const { ECONNREFUSED } = osConstants.errno;

/** Every option API.md 2.1 names. */
const API_NAMES = [
  'reuseAddress', 'reusePort', 'keepAlive', 'broadcast', 'debug', 'dontRoute', 'oobInline', 'linger',
  'receiveBuffer', 'sendBuffer', 'receiveLowWater', 'sendLowWater', 'receiveTimeout', 'sendTimeout',
  'error', 'type', 'acceptConnections', 'bindToDevice', 'priority', 'passCredentials', 'peerCredentials',
  'tcpNodelay', 'tcpMaxSegment', 'tcpCork', 'tcpKeepIdle', 'tcpKeepInterval', 'tcpKeepCount',
  'tcpUserTimeout', 'tcpQuickAck', 'tcpDeferAccept', 'tcpFastOpen', 'ipTtl', 'ipTos', 'ipMulticastTtl',
  'ipMulticastLoop', 'ipMulticastInterface', 'ipv6V6Only', 'ipv6UnicastHops', 'ipv6MulticastHops',
  'ipv6MulticastLoop', 'ipv6MulticastInterface', 'tcpLinger2', 'tcpSynCount', 'tcpWindowClamp',
  'ipHeaderInclude', 'ipReceiveError', 'icmpFilter',
];

interface Kind {
  label: string;
  domain: number;
  type: number;
  protocol: number;
  target: OptionTarget;
}

const KINDS: Kind[] = [
  { label: 'ipv4 stream', domain: C.AF_INET!, type: C.SOCK_STREAM!, protocol: 0, target: { addressFamily: 'internet', ipv6: false, type: 'stream', protocol: 'tcp' } },
  { label: 'ipv6 stream', domain: C.AF_INET6!, type: C.SOCK_STREAM!, protocol: 0, target: { addressFamily: 'internet', ipv6: true, type: 'stream', protocol: 'tcp' } },
  { label: 'ipv4 datagram', domain: C.AF_INET!, type: C.SOCK_DGRAM!, protocol: 0, target: { addressFamily: 'internet', ipv6: false, type: 'datagram', protocol: 'udp' } },
  { label: 'ipv6 datagram', domain: C.AF_INET6!, type: C.SOCK_DGRAM!, protocol: 0, target: { addressFamily: 'internet', ipv6: true, type: 'datagram', protocol: 'udp' } },
  { label: 'ipv4 raw icmp', domain: C.AF_INET!, type: C.SOCK_RAW!, protocol: C.IPPROTO_ICMP!, target: { addressFamily: 'internet', ipv6: false, type: 'raw', protocol: 'icmp' } },
  { label: 'ipv6 raw ipv6-icmp', domain: C.AF_INET6!, type: C.SOCK_RAW!, protocol: C.IPPROTO_ICMPV6!, target: { addressFamily: 'internet', ipv6: true, type: 'raw', protocol: 'ipv6-icmp' } },
  { label: 'local stream', domain: C.AF_UNIX!, type: C.SOCK_STREAM!, protocol: 0, target: { addressFamily: 'local', ipv6: false, type: 'stream' } },
  { label: 'local datagram', domain: C.AF_UNIX!, type: C.SOCK_DGRAM!, protocol: 0, target: { addressFamily: 'local', ipv6: false, type: 'datagram' } },
  { label: 'local seqpacket', domain: C.AF_UNIX!, type: C.SOCK_SEQPACKET!, protocol: 0, target: { addressFamily: 'local', ipv6: false, type: 'seqpacket' } },
];

/** Opens a real kernel socket of `kind`; null (with the reason) when this machine cannot. */
function open(kind: Kind): FdHandle | string {
  const fd = native.socket(kind.domain, kind.type, kind.protocol);
  if (fd < 0) return native.errnoName(-fd) ?? String(fd);
  return H.open(fd, null);
}

/**
 * For each writable option: values to set, and what reading back must give. Linux doubles
 * the buffer sizes it is given (socket(7)), so those read back twice the value.
 */
const WRITES: Record<string, [set: unknown, expected: SocketOptionValue][]> = {
  reuseAddress: [[true, true], [false, false]],
  reusePort: [[true, true], [false, false]],
  keepAlive: [[true, true], [false, false]],
  broadcast: [[true, true], [false, false]],
  debug: [[true, true], [false, false]],
  dontRoute: [[true, true], [false, false]],
  oobInline: [[true, true], [false, false]],
  // Linux keeps the linger time when onoff is false: turn it to 0 while on, then off.
  linger: [[{ onoff: true, linger: 7 }, { onoff: true, linger: 7 }], [{ onoff: true, linger: 0 }, { onoff: true, linger: 0 }], [{ onoff: false, linger: 0 }, { onoff: false, linger: 0 }]],
  receiveBuffer: [[65536, linux ? 131072 : 65536], [32768, linux ? 65536 : 32768]],
  sendBuffer: [[65536, linux ? 131072 : 65536], [32768, linux ? 65536 : 32768]],
  receiveLowWater: [[100, 100], [1, 1]],
  sendLowWater: [[100, 100], [1, 1]],
  receiveTimeout: [[1500, 1500], [0, 0]],
  sendTimeout: [[2000, 2000], [0, 0]],
  bindToDevice: [['lo', 'lo'], [null, null], [{ name: 'lo', index: 1 }, 'lo'], ['', null]],
  priority: [[5, 5], [0, 0]],
  passCredentials: [[true, true], [false, false]],
  tcpNodelay: [[true, true], [false, false]],
  tcpMaxSegment: [[1200, 1200]],
  tcpCork: [[true, true], [false, false]],
  tcpKeepIdle: [[30, 30], [7200, 7200]],
  tcpKeepInterval: [[5, 5], [75, 75]],
  tcpKeepCount: [[3, 3], [9, 9]],
  tcpUserTimeout: [[10000, 10000], [0, 0]],
  tcpQuickAck: [[false, false], [true, true]],
  // The kernel keeps TCP_DEFER_ACCEPT as a retransmission count: 1, 3, 7, ... seconds round-trip.
  tcpDeferAccept: [[3, 3], [0, 0]],
  tcpFastOpen: [[16, 16], [0, 0]],
  tcpLinger2: [[30, 30]],
  tcpSynCount: [[3, 3], [6, 6]],
  tcpWindowClamp: [[65536, 65536]],
  ipTtl: [[17, 17], [64, 64]],
  ipTos: [[0x10, 0x10], [0, 0]],
  ipMulticastTtl: [[8, 8], [1, 1]],
  ipMulticastLoop: [[false, false], [true, true]],
  ipHeaderInclude: [[true, true], [false, false]],
  ipReceiveError: [[true, true], [false, false]],
  ipv6V6Only: [[true, true], [false, false]],
  ipv6UnicastHops: [[17, 17], [64, 64]],
  ipv6MulticastHops: [[8, 8], [1, 1]],
  ipv6MulticastLoop: [[false, false], [true, true]],
  icmpFilter: [[0x5, 0x5], [0, 0]],
};

function checkType(info: SocketOptionInfo, value: SocketOptionValue): void {
  switch (info.type) {
    case 'boolean':
      expect(value, info.name).to.be.a('boolean');
      break;
    case 'integer':
    case 'timeout':
    case 'ipv6Interface':
    case 'icmpFilter':
      expect(Number.isInteger(value), `${info.name}: ${String(value)}`).to.equal(true);
      break;
    case 'linger':
      expect(value).to.have.keys(['onoff', 'linger']);
      break;
    case 'socketType':
      expect(['stream', 'datagram', 'seqpacket', 'raw']).to.include(value);
      break;
    case 'error':
      if (value !== null) expect(value).to.match(/^E[A-Z0-9]+$/);
      break;
    case 'string':
      if (value !== null) expect(value).to.be.a('string');
      break;
    case 'credentials':
      expect(value).to.have.keys(['pid', 'uid', 'gid']);
      break;
    case 'ipv4Interface':
      expect(value).to.be.instanceOf(Ipv4Address);
      break;
  }
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('socket options (API.md 2.1)', () => {
  describe('the table', () => {
    it('has exactly the options API.md names, each once', () => {
      const names = listSocketOptions().map((r) => r.name);
      expect([...names].sort()).to.deep.equal([...API_NAMES].sort());
      expect(new Set(names).size).to.equal(names.length);
    });

    it('every row is frozen data: name, level, optname, type, readable, writable, families, types', () => {
      for (const r of listSocketOptions()) {
        expect(Object.isFrozen(r)).to.equal(true);
        expect(r.level).to.match(/^(SOL_SOCKET|IPPROTO_[A-Z0-9]+)$/);
        expect(r.optname).to.match(/^[A-Z0-9_]+$/);
        expect(r.readable).to.equal(true);
        expect(r.writable).to.be.a('boolean');
        expect(r.families.length).to.be.greaterThan(0);
        expect(r.types.length).to.be.greaterThan(0);
        if (linux) {
          expect(C[r.level], r.level).to.be.a('number');
          expect(C[r.optname], r.optname).to.be.a('number');
        }
      }
      expect(Object.isFrozen(listSocketOptions())).to.equal(true);
    });

    it('read-only options are the ones the kernel only reports', () => {
      const ro = listSocketOptions().filter((r) => !r.writable).map((r) => r.name).sort();
      expect(ro).to.deep.equal((linux ? ['acceptConnections', 'error', 'peerCredentials', 'sendLowWater', 'type'] : ['acceptConnections', 'error', 'peerCredentials', 'type']).sort());
    });

    it('every writable option has test values here', () => {
      for (const r of listSocketOptions()) {
        if (r.writable && r.type !== 'ipv4Interface' && r.type !== 'ipv6Interface') expect(WRITES, r.name).to.have.property(r.name);
      }
    });
  });

  for (const kind of KINDS) {
    describe(`on a kernel ${kind.label} socket`, () => {
      let handle: FdHandle;
      before(function () {
        const h = open(kind);
        if (typeof h === 'string') {
          console.warn(`      skipped: socket(${kind.label}) failed with ${h}${h === 'EPERM' || h === 'EACCES' ? ' (raw sockets need CAP_NET_RAW)' : ''}`);
          this.skip();
        }
        handle = h as FdHandle;
      });
      after(() => H.close(handle));

      it('reads every option that applies, with the right JS type', () => {
        let n = 0;
        for (const r of listSocketOptions()) {
          if (!socketOptionApplies(r, kind.target)) continue;
          const v = getSocketOption(handle, kind.target, r.name);
          checkType(r, v);
          n++;
        }
        expect(n).to.be.greaterThan(15);
        expect(getSocketOption(handle, kind.target, 'type')).to.equal(kind.target.type);
        expect(getSocketOption(handle, kind.target, 'error')).to.equal(null);
        expect(getSocketOption(handle, kind.target, 'acceptConnections')).to.equal(false);
      });

      it('sets every writable option that applies and reads it back', () => {
        for (const r of listSocketOptions()) {
          if (!r.writable || !socketOptionApplies(r, kind.target)) continue;
          if (r.type === 'ipv4Interface') {
            setSocketOption(handle, kind.target, r.name, '127.0.0.1');
            expect(String(getSocketOption(handle, kind.target, r.name))).to.equal('127.0.0.1');
            setSocketOption(handle, kind.target, r.name, new Ipv4Address([127, 0, 0, 1]));
            expect((getSocketOption(handle, kind.target, r.name) as Ipv4Address).equals(new Ipv4Address([127, 0, 0, 1]))).to.equal(true);
            setSocketOption(handle, kind.target, r.name, null);
            expect(String(getSocketOption(handle, kind.target, r.name))).to.equal('0.0.0.0');
            continue;
          }
          if (r.type === 'ipv6Interface') {
            const lo = lookupInterface('lo');
            setSocketOption(handle, kind.target, r.name, lo.index);
            expect(getSocketOption(handle, kind.target, r.name)).to.equal(lo.index);
            setSocketOption(handle, kind.target, r.name, 0);
            expect(getSocketOption(handle, kind.target, r.name)).to.equal(0);
            setSocketOption(handle, kind.target, r.name, 'lo');
            expect(getSocketOption(handle, kind.target, r.name)).to.equal(lo.index);
            setSocketOption(handle, kind.target, r.name, null);
            expect(getSocketOption(handle, kind.target, r.name)).to.equal(0);
            continue;
          }
          for (const [value, expected] of WRITES[r.name]!) {
            setSocketOption(handle, kind.target, r.name, value);
            expect(getSocketOption(handle, kind.target, r.name), `${r.name} = ${JSON.stringify(value)}`).to.deep.equal(expected);
          }
        }
      });

      it('refuses options that do not apply with SocketOptionNotSupportedError, before any system call', () => {
        let n = 0;
        for (const r of listSocketOptions()) {
          if (socketOptionApplies(r, kind.target)) continue;
          const e1 = thrown(() => getSocketOption(handle, kind.target, r.name));
          expect(e1, r.name).to.be.instanceOf(SocketOptionNotSupportedError);
          expect(e1).to.be.instanceOf(SocketError);
          expect(e1.code).to.equal('ENOPROTOOPT');
          expect(e1.message).to.include(r.name);
          if (r.writable) {
            const sample = r.type === 'ipv4Interface' ? '127.0.0.1' : r.type === 'ipv6Interface' ? 1 : WRITES[r.name]![0]![0];
            expect(thrown(() => setSocketOption(handle, kind.target, r.name, sample)), r.name).to.be.instanceOf(SocketOptionNotSupportedError);
          }
          n++;
        }
        expect(n).to.be.greaterThan(0);
      });

      it('refuses to set read-only options with a TypeError naming them', () => {
        for (const r of listSocketOptions()) {
          if (r.writable) continue;
          const err = thrown(() => setSocketOption(handle, kind.target, r.name, 1));
          expect(err).to.be.instanceOf(TypeError);
          expect(err.code).to.equal('ERR_INVALID_ARG_VALUE');
          expect(err.message).to.include(r.name);
          expect(err.message).to.include('read-only');
        }
      });
    });
  }

  describe('names and values', () => {
    const t: OptionTarget = { addressFamily: 'internet', ipv6: false, type: 'stream', protocol: 'tcp' };
    const u: OptionTarget = { addressFamily: 'internet', ipv6: false, type: 'datagram', protocol: 'udp' };
    const v6: OptionTarget = { addressFamily: 'internet', ipv6: true, type: 'datagram', protocol: 'udp' };

    it('an unknown option name is a TypeError (ERR_INVALID_ARG_VALUE); a non-string name ERR_INVALID_ARG_TYPE', () => {
      const h = open(KINDS[0]!) as FdHandle;
      try {
        for (const fn of [() => getSocketOption(h, t, 'noSuchOption'), () => setSocketOption(h, t, 'noSuchOption', true), () => encodeSocketOption(t, 'SO_REUSEADDR', true)]) {
          const err = thrown(fn);
          expect(err).to.be.instanceOf(TypeError);
          expect(err.code).to.equal('ERR_INVALID_ARG_VALUE');
        }
        expect(thrown(() => getSocketOption(h, t, 42 as never)).code).to.equal('ERR_INVALID_ARG_TYPE');
      } finally {
        H.close(h);
      }
    });

    it('validates values before any system call', () => {
      const bad: [OptionTarget, string, unknown, string][] = [
        [t, 'reuseAddress', 1, 'ERR_INVALID_ARG_TYPE'],
        [t, 'receiveBuffer', '1024', 'ERR_INVALID_ARG_TYPE'],
        [t, 'receiveBuffer', 1.5, 'ERR_OUT_OF_RANGE'],
        [t, 'receiveBuffer', -1, 'ERR_OUT_OF_RANGE'],
        [t, 'ipTtl', 256, 'ERR_OUT_OF_RANGE'],
        [t, 'ipTos', -1, 'ERR_OUT_OF_RANGE'],
        [t, 'tcpKeepCount', 0, 'ERR_OUT_OF_RANGE'],
        [t, 'linger', true, 'ERR_INVALID_ARG_TYPE'],
        [t, 'linger', { onoff: true, linger: -1 }, 'ERR_OUT_OF_RANGE'],
        [t, 'receiveTimeout', -5, 'ERR_OUT_OF_RANGE'],
        [t, 'receiveTimeout', Infinity, 'ERR_OUT_OF_RANGE'],
        [t, 'receiveTimeout', '5', 'ERR_INVALID_ARG_TYPE'],
        [t, 'bindToDevice', 5, 'ERR_INVALID_ARG_TYPE'],
        [t, 'bindToDevice', 'x'.repeat(20), 'ERR_INVALID_ARG_VALUE'],
        [u, 'ipMulticastInterface', '::1', 'ERR_INVALID_ARG_VALUE'],
        [u, 'ipMulticastInterface', 7, 'ERR_INVALID_ARG_TYPE'],
        [v6, 'ipv6MulticastInterface', -1, 'ERR_OUT_OF_RANGE'],
        [v6, 'ipv6MulticastInterface', true, 'ERR_INVALID_ARG_TYPE'],
      ];
      for (const [target, name, value, code] of bad) {
        expect(thrown(() => encodeSocketOption(target, name, value)).code, `${name} = ${String(value)}`).to.equal(code);
      }
      const ifErr = thrown(() => encodeSocketOption(v6, 'ipv6MulticastInterface', 'nosuchif0'));
      expect(ifErr.name).to.equal('UnknownInterfaceError');
    });

    it('tcp options do not apply to non-TCP stream protocols', () => {
      const row = listSocketOptions().find((r) => r.name === 'tcpNodelay')!;
      expect(socketOptionApplies(row, { addressFamily: 'internet', ipv6: false, type: 'stream', protocol: 'tcp' })).to.equal(true);
      expect(socketOptionApplies(row, { addressFamily: 'internet', ipv6: false, type: 'stream', protocol: 'sctp' })).to.equal(false);
      expect(socketOptionApplies(row, { addressFamily: 'internet', ipv6: false, type: 'datagram', protocol: 'udp' })).to.equal(false);
      expect(socketOptionApplies(row, { addressFamily: 'local', ipv6: false, type: 'stream' })).to.equal(false);
      const icmp = listSocketOptions().find((r) => r.name === 'icmpFilter')!;
      expect(socketOptionApplies(icmp, { addressFamily: 'internet', ipv6: false, type: 'raw', protocol: 'icmp' })).to.equal(true);
      expect(socketOptionApplies(icmp, { addressFamily: 'internet', ipv6: false, type: 'raw', protocol: 'udp' })).to.equal(false);
    });
  });

  describe('what the options report', () => {
    it('peerCredentials of a socket pair are this process', () => {
      const pair = native.socketpair(C.AF_UNIX!, C.SOCK_STREAM!, 0) as [number, number];
      const a = H.open(pair[0], null);
      const b = H.open(pair[1], null);
      try {
        const target: OptionTarget = { addressFamily: 'local', ipv6: false, type: 'stream' };
        expect(getSocketOption(a, target, 'peerCredentials')).to.deep.equal({ pid: process.pid, uid: getuid!(), gid: getgid!() });
        expect(getSocketOption(b, target, 'peerCredentials')).to.deep.equal({ pid: process.pid, uid: getuid!(), gid: getgid!() });
      } finally {
        H.close(a);
        H.close(b);
      }
    });

    it('acceptConnections is true on a listening socket', () => {
      const h = open(KINDS[0]!) as FdHandle;
      const t = KINDS[0]!.target;
      try {
        expect(H.bind(h, 4, new Uint8Array([127, 0, 0, 1]), 0, 0)).to.equal(0);
        expect(H.listen(h, 8)).to.equal(0);
        expect(getSocketOption(h, t, 'acceptConnections')).to.equal(true);
      } finally {
        H.close(h);
      }
    });

    it('error reports a refused connect as ECONNREFUSED, then null', async () => {
      // A port nothing listens on: bind one, close it.
      const probe = open(KINDS[0]!) as FdHandle;
      H.bind(probe, 4, new Uint8Array([127, 0, 0, 1]), 0, 0);
      const port = (H.getsockname(probe) as [number, Buffer, number, number])[2];
      H.close(probe);
      const h = open(KINDS[0]!) as FdHandle;
      const t = KINDS[0]!.target;
      try {
        const r = H.connect(h, 4, new Uint8Array([127, 0, 0, 1]), port, 0);
        expect([0, -C.EINPROGRESS!, -ECONNREFUSED]).to.include(r);
        const deadline = Date.now() + 5000;
        while ((native.pollFd(H.fd(h), C.POLLOUT!) & (C.POLLOUT! | C.POLLERR! | C.POLLHUP!)) === 0 && Date.now() < deadline) {
          await new Promise((res) => setTimeout(res, 5));
        }
        if (r !== -ECONNREFUSED) expect(getSocketOption(h, t, 'error')).to.equal('ECONNREFUSED');
        expect(getSocketOption(h, t, 'error')).to.equal(null);
      } finally {
        H.close(h);
      }
    });
  });
});
