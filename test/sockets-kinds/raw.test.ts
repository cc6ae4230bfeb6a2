/**
 * Issue 4, raw internet sockets (`type: 'raw'`, protocol by name or number) as object-mode
 * streams: an ICMP echo to 127.0.0.1 (and ICMPv6 to ::1) gets its reply. Needs CAP_NET_RAW:
 * each test tries to make its socket and skips, saying why, on SocketAccessDeniedError.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  makeSocketPair,
  makeSocketFromFd,
  ActiveSocket,
  InternetSocket,
  StreamSocket,
  DatagramSocket,
  SocketRawInternetActive,
  SocketAccessDeniedError,
  type MakeSocketOptions,
} from '../../lib/sockets/index.js';
import { KindsCleanup, nextMessage, requireUdp6, type ReadMessage } from '../helpers/kinds.js';
import { expectInstance, skipFor } from '../helpers/sockets.js';

type Raw = SocketRawInternetActive;

/** Makes a raw socket, or skips the test with a clear message when CAP_NET_RAW is missing. */
async function rawOrSkip(ctx: Mocha.Context, cleanup: KindsCleanup, options: Omit<MakeSocketOptions, 'type'>): Promise<Raw> {
  try {
    return cleanup.add(await makeSocket({ type: 'raw', ...options }));
  } catch (err) {
    if (err instanceof SocketAccessDeniedError) skipFor(ctx, 'raw sockets need CAP_NET_RAW, which this process lacks');
    throw err;
  }
}

/** The Internet checksum (RFC 1071). */
function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/** An ICMP (type 8) or ICMPv6 (type 128) echo request; the v6 checksum is the kernel's job. */
function echoRequest(type: number, id: number, seq: number, body: Buffer): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b[0] = type;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  body.copy(b, 8);
  if (type === 8) b.writeUInt16BE(checksum(b), 2);
  return b;
}

/** The ICMP part of an IPv4 raw read (which starts with the IP header). */
function icmpOfIpv4(packet: Buffer): Buffer {
  expect(packet[0]! >> 4, 'an IPv4 header').to.equal(4);
  return packet.subarray((packet[0]! & 0x0f) * 4);
}

/** Reads until the echo reply with `id`/`seq` comes (loopback also shows us our own request). */
async function echoReply(s: Raw, replyType: number, id: number, seq: number, v4: boolean): Promise<{ msg: ReadMessage; icmp: Buffer }> {
  for (let i = 0; i < 100; i++) {
    const msg = await nextMessage(s, 5000, 'an ICMP echo reply');
    const icmp = v4 ? icmpOfIpv4(msg.data) : msg.data;
    if (icmp[0] === replyType && icmp.readUInt16BE(4) === id && icmp.readUInt16BE(6) === seq) return { msg, icmp };
  }
  throw new Error('no echo reply among 100 packets');
}

describe('sockets-kinds: raw sockets', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  it("protocol 'icmp' by name: an echo to 127.0.0.1 written as { data, host } gets its reply", async function () {
    const s = await rawOrSkip(this, cleanup, { protocol: 'icmp' });
    expectInstance(s, SocketRawInternetActive);
    expectInstance(s, ActiveSocket);
    expectInstance(s, InternetSocket);
    expect(s).to.not.be.instanceOf(StreamSocket);
    expect(s).to.not.be.instanceOf(DatagramSocket);
    expect(s.type).to.equal('raw');
    expect(s.protocol).to.equal('icmp');
    expect(s.readableObjectMode).to.equal(true);
    const id = randomBytes(2).readUInt16BE(0);
    const body = randomBytes(56);
    s.write({ data: echoRequest(8, id, 1, body), host: '127.0.0.1' });
    const { msg, icmp } = await echoReply(s, 0, id, 1, true);
    expect(msg.host!.toString()).to.equal('127.0.0.1');
    expect(icmp.subarray(8).equals(body), 'the reply echoes the payload').to.equal(true);
    expect(checksum(icmp), 'reply checksum verifies').to.equal(0);
  });

  it('protocol 1 by number, connected with remoteHost: Buffer writes, replies in order for several sequence numbers', async function () {
    const s = await rawOrSkip(this, cleanup, { protocol: 1, remoteHost: '127.0.0.1' });
    expect(s.protocol).to.equal('icmp');
    expect(s.isConnected()).to.equal(true);
    expect(s.remoteHost!.toString()).to.equal('127.0.0.1');
    // The kernel answers getpeername ENOTCONN on a raw socket: remoteName() agrees with the rest.
    expect(String((s.remoteName() as { host: unknown }).host)).to.equal('127.0.0.1');
    const id = randomBytes(2).readUInt16BE(0);
    const bodies = [0, 1, 2, 3, 4].map((i) => Buffer.alloc(8 + i * 100, i));
    bodies.forEach((b, seq) => s.write(echoRequest(8, id, seq, b)));
    for (let seq = 0; seq < bodies.length; seq++) {
      const { msg, icmp } = await echoReply(s, 0, id, seq, true);
      expect(icmp.subarray(8).equals(bodies[seq]!), `payload of seq ${seq}`).to.equal(true);
      expect(msg.host!.toString()).to.equal('127.0.0.1');
    }
  });

  it('ICMPv6 echo to ::1 (default protocol for an IPv6 raw socket) gets its reply', async function () {
    await requireUdp6(this);
    const s = await rawOrSkip(this, cleanup, { ipv6: true });
    expect(s.ipv6).to.equal(true);
    expect(s.protocol).to.match(/icmp/i);
    const id = randomBytes(2).readUInt16BE(0);
    const body = randomBytes(32);
    s.write({ data: echoRequest(128, id, 7, body), host: '::1' });
    const { msg, icmp } = await echoReply(s, 129, id, 7, false);
    expect(msg.host!.toString()).to.equal('::1');
    expect(icmp.subarray(8).equals(body)).to.equal(true);
  });

  it('sendTo / receiveFrom work on raw sockets too', async function () {
    const s = await rawOrSkip(this, cleanup, { protocol: 'icmp' });
    const id = randomBytes(2).readUInt16BE(0);
    const req = echoRequest(8, id, 42, Buffer.from('receiveFrom'));
    expect(await s.sendTo(req, { remoteHost: '127.0.0.1' })).to.equal(req.length);
    for (let i = 0; i < 100; i++) {
      const r = (await s.receiveFrom({ size: 2048, timeout: 5000 }))!;
      const icmp = icmpOfIpv4(r.buffer.subarray(0, r.bytes));
      if (icmp[0] !== 0 || icmp.readUInt16BE(4) !== id) continue;
      expect(icmp.readUInt16BE(6)).to.equal(42);
      expect(icmp.subarray(8).toString()).to.equal('receiveFrom');
      expect(r.host!.toString()).to.equal('127.0.0.1');
      return;
    }
    expect.fail('no echo reply');
  });

  it('an unknown protocol name is rejected before any socket is made', async () => {
    let err: unknown;
    try {
      await makeSocket({ type: 'raw', protocol: 'no-such-protocol-xyz' });
    } catch (e) {
      err = e;
    }
    expectInstance(err, Error);
    expect(err).to.not.be.instanceOf(SocketAccessDeniedError);
  });

  it('makeSocketFromFd adopts a raw socket and names its protocol from the kernel', async function () {
    const s = await rawOrSkip(this, cleanup, { protocol: 'icmp' });
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    await a.sendFileDescriptor(s);
    const fd = await b.receiveFileDescriptor({ timeout: 5000 });
    const adopted = cleanup.add(makeSocketFromFd(fd));
    expectInstance(adopted, SocketRawInternetActive);
    expect(adopted.protocol).to.equal('icmp');
    await s.close();
    const id = randomBytes(2).readUInt16BE(0);
    adopted.write({ data: echoRequest(8, id, 3, Buffer.from('adopted')), host: '127.0.0.1' });
    const { icmp } = await echoReply(adopted, 0, id, 3, true);
    expect(icmp.subarray(8).toString()).to.equal('adopted');
  });

  it('ipHeaderInclude: a whole IPv4 packet written by us gets an echo reply', async function () {
    const s = await rawOrSkip(this, cleanup, { protocol: 'icmp' });
    s.setOption('ipHeaderInclude', true);
    expect(s.getOption('ipHeaderInclude')).to.equal(true);
    const id = randomBytes(2).readUInt16BE(0);
    const icmp = echoRequest(8, id, 9, Buffer.from('hand-made header'));
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + icmp.length, 2);
    ip[8] = 64; // TTL
    ip[9] = 1; // ICMP
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    ip.writeUInt16BE(checksum(ip), 10);
    s.write({ data: Buffer.concat([ip, icmp]), host: '127.0.0.1' });
    const { icmp: reply } = await echoReply(s, 0, id, 9, true);
    expect(reply.subarray(8).toString()).to.equal('hand-made header');
  });
});
