/**
 * Issue 4, datagram sockets (UDP over IPv4/IPv6 and Unix datagrams): object-mode Duplex
 * streams of whole messages, sendTo / receiveFrom with their flags, connect / disconnect,
 * broadcast, zero-length datagrams, boundaries and order across bursts, recvmmsg batches, and
 * node:dgram and python3 as foreign peers.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import * as dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import {
  makeSocket,
  DatagramSocket,
  SocketDatagramInternetActive,
  SocketDatagramLocalActive,
  
  
  SocketAccessDeniedError,
  SocketOperationNotSupportedError,
  SocketClosedError,
  SocketError,
  PollTimeoutError,
  AbortError,
} from '../../lib/sockets/index.js';
import {
  abstractName,
  burst,
  expectSeqPayload,
  KindsCleanup,
  kindsPath,
  loopTurn,
  nextMessage,
  pythonOk,
  readMessages,
  requirePython,
  requireUdp6,
  seqPayload,
  startPython,
} from '../helpers/kinds.js';

type Udp = SocketDatagramInternetActive;
type Unix = SocketDatagramLocalActive;

async function udp(cleanup: KindsCleanup, options: Record<string, unknown> = {}): Promise<Udp> {
  return cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0, ...options }));
}

async function udp6(cleanup: KindsCleanup, options: Record<string, unknown> = {}): Promise<Udp> {
  return cleanup.add(await makeSocket({ type: 'datagram', localHost: '::1', localPort: 0, ...options }));
}

async function unix(cleanup: KindsCleanup, path?: string, options: Record<string, unknown> = {}): Promise<Unix> {
  if (path) cleanup.path(path);
  return cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', ...(path ? { localFilename: path } : {}), ...options }));
}

/** A UDP port on 127.0.0.1 that nothing uses right now (bound by node:dgram, then released). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Writes one chunk and waits for its callback (so a failure shows up here). */
function send(s: Duplex, chunk: unknown): Promise<void> {
  return new Promise((resolve, reject) => s.write(chunk, (err) => (err ? reject(err) : resolve())));
}

describe('sockets-kinds: datagram sockets', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  describe('UDP over IPv4', () => {
    it('is an object-mode Duplex; a written object goes to its address, the read one names the sender', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      expect(a).to.be.instanceOf(SocketDatagramInternetActive);
      expect(a).to.be.instanceOf(DatagramSocket);
      expect(a.readableObjectMode).to.equal(true);
      expect(a.writableObjectMode).to.equal(true);
      expect(a.type).to.equal('datagram');
      expect(a.protocol).to.equal('udp');
      expect(a.isConnected()).to.equal(false);
      expect(a.localHost!.toString()).to.equal('127.0.0.1');
      expect(a.localPort).to.be.a('number').and.above(0);

      await send(a, { data: Buffer.from('hello b'), host: '127.0.0.1', port: b.localPort });
      const m = await nextMessage(b);
      expect(m.data.toString()).to.equal('hello b');
      expect(m.host!.toString()).to.equal('127.0.0.1');
      expect(m.port).to.equal(a.localPort);

      // A reply to the address read comes back; a string payload is sent as UTF-8.
      await send(b, { data: 'héllo a', host: m.host, port: m.port });
      const r = await nextMessage(a);
      expect(r.data.toString()).to.equal('héllo a');
      expect(r.port).to.equal(b.localPort);
    });

    it('zero-length datagrams arrive as empty messages, in order with the others', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      const sizes = [0, 1, 0, 0, 1472, 0, 5, 0];
      for (const [i, n] of sizes.entries()) a.write({ data: Buffer.alloc(n, i + 1), host: '127.0.0.1', port: b.localPort });
      const got = await readMessages(b, sizes.length);
      expect(got.map((m) => m.data.length)).to.deep.equal(sizes);
      got.forEach((m, i) => expect(m.data.equals(Buffer.alloc(sizes[i]!, i + 1))).to.equal(true));
      got.forEach((m) => expect(m.port).to.equal(a.localPort));
    });

    it('a burst of 3000 datagrams of varying sizes keeps every boundary and the exact order', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      // Loopback drops datagrams only when the receive buffer overflows: make it hold the burst.
      b.setOption('receiveBuffer', 4 * 1024 * 1024);
      expect(b.getOption('receiveBuffer') as number).to.be.at.least(4 * 1024 * 1024);
      const n = 3000;
      const got = await burst(a, b, n, (i) => ({ data: seqPayload(i), host: '127.0.0.1', port: b.localPort }));
      expect(got).to.have.length(n);
      got.forEach((m, i) => expectSeqPayload(m.data, i));
      expect(got.every((m) => m.port === a.localPort)).to.equal(true);
    });

    it('reads arrive in recvmmsg batches: many datagrams already queued come in one native call', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      for (let i = 0; i < 40; i++) await a.sendTo(seqPayload(i, 100), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      // Observe the library's one-call-per-batch hand-off without changing it.
      const counts: number[] = [];
      const inner = b._onNativeMessages;
      b._onNativeMessages = function (this: Udp, ...args: Parameters<Udp['_onNativeMessages']>) {
        counts.push(args[3]);
        return inner.apply(this, args);
      };
      const got = await readMessages(b, 40);
      got.forEach((m, i) => expectSeqPayload(m.data, i, 100));
      expect(Math.max(...counts), `batch sizes ${counts.join(',')}`).to.be.above(1);
      expect(counts.reduce((x, y) => x + y, 0)).to.equal(40);
    });

    it('connect: Buffers go to the peer, messages read carry its address, other senders are filtered', async () => {
      const a = await udp(cleanup);
      const c = await udp(cleanup);
      // Bound to a port of our choosing: Linux releases a kernel-chosen port on disconnect.
      const port = await freeUdpPort();
      const b = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: port, remoteHost: '127.0.0.1', remotePort: a.localPort }));
      expect(b.localPort).to.equal(port);
      expect(b.isConnected()).to.equal(true);
      expect(b.remoteHost!.toString()).to.equal('127.0.0.1');
      expect(b.remotePort).to.equal(a.localPort);

      await send(b, Buffer.from('to the peer'));
      const m = await nextMessage(a);
      expect(m.data.toString()).to.equal('to the peer');
      expect(m.port).to.equal(b.localPort);

      // The kernel drops what a connected socket gets from anyone but its peer.
      await c.sendTo(Buffer.from('from c'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      await a.sendTo(Buffer.from('from a'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const first = await nextMessage(b);
      expect(first.data.toString()).to.equal('from a');
      expect(first.host!.toString()).to.equal('127.0.0.1');
      expect(first.port).to.equal(a.localPort);

      // disconnect() dissolves the association: now c is heard, with its own address.
      expect(b.disconnect()).to.equal(b);
      expect(b.isConnected()).to.equal(false);
      expect(b.remotePort).to.equal(undefined);
      await c.sendTo(Buffer.from('c again'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const second = await nextMessage(b);
      expect(second.data.toString()).to.equal('c again');
      expect(second.port).to.equal(c.localPort);
      expect(b.localPort, 'an explicitly bound port survives disconnect').to.equal(port);
    });

    it('a peer needs a port other than 0: makeSocket, connect and sendTo refuse none or 0 with Node codes', async () => {
      const a = await udp(cleanup);
      const attempts: [string, () => Promise<unknown>, string][] = [
        ['remotePort', () => makeSocket({ type: 'datagram', remoteHost: '127.0.0.1' }), 'ERR_INVALID_ARG_TYPE'],
        ['remotePort', () => makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: 0 }), 'ERR_OUT_OF_RANGE'],
        ['remotePort', () => makeSocket({ remoteHost: '127.0.0.1' }), 'ERR_INVALID_ARG_TYPE'],
        ['options.port', () => a.connect('127.0.0.1'), 'ERR_INVALID_ARG_TYPE'],
        ['options.port', () => a.connect('127.0.0.1', { port: 0 }), 'ERR_OUT_OF_RANGE'],
        ['options.remotePort', () => a.sendTo(Buffer.from('x'), { remoteHost: '127.0.0.1' }), 'ERR_INVALID_ARG_TYPE'],
        ['options.remotePort', () => a.sendTo(Buffer.from('x'), { remoteHost: '127.0.0.1', remotePort: 0 }), 'ERR_OUT_OF_RANGE'],
      ];
      for (const [name, attempt, code] of attempts) {
        const err = await attempt().then(() => null, (e: unknown) => e);
        expect(err, name).to.be.instanceOf(code === 'ERR_OUT_OF_RANGE' ? RangeError : TypeError);
        expect((err as NodeJS.ErrnoException).code, name).to.equal(code);
        expect((err as Error).message, name).to.include(`"${name}"`);
      }
      expect(a.isConnected()).to.equal(false);
    });

    it('disconnect() on a socket never connected does nothing: its kernel-chosen port stays', async () => {
      const a = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1' }));
      const port = a.localPort;
      expect(port).to.be.greaterThan(0);
      expect(a.disconnect()).to.equal(a);
      expect(a.localPort).to.equal(port);
      const b = await udp(cleanup);
      await b.sendTo(Buffer.from('still here'), { remoteHost: '127.0.0.1', remotePort: port! });
      expect((await nextMessage(a)).data.toString()).to.equal('still here');
    });

    it('connect() later on an unconnected socket, and disconnect() then a Buffer write fails', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      expect(await b.connect('127.0.0.1', { port: a.localPort })).to.equal(b);
      expect(b.isConnected()).to.equal(true);
      await send(b, Buffer.from('after connect'));
      expect((await nextMessage(a)).data.toString()).to.equal('after connect');
      b.disconnect();
      b.on('error', () => {});
      let err: unknown;
      try {
        await send(b, Buffer.from('nowhere'));
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketError);
      expect((err as SocketError).code).to.equal('EDESTADDRREQ');
    });

    it('a connected socket survives ICMP port-unreachable for earlier datagrams, read or not, and works once a peer appears', async () => {
      const port = await freeUdpPort();
      for (const reading of [false, true]) {
        const b = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port }));
        if (reading) b.read();
        // Nobody listens: each of these draws an ICMP port unreachable, reported on a later call.
        for (let i = 0; i < 3; i++) {
          await send(b, Buffer.from(`lost ${i}`));
          await b.receiveFrom({ dontWait: true }).catch(() => null);
        }
        expect(b.destroyed, `destroyed (reading: ${reading})`).to.equal(false);
        const peer = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: port }));
        await send(b, Buffer.from('found'));
        expect((await nextMessage(peer)).data.toString()).to.equal('found');
        await send(peer, { data: Buffer.from('hello back'), host: '127.0.0.1', port: b.localPort });
        expect((await nextMessage(b)).data.toString()).to.equal('hello back');
        await peer.close();
        await b.close();
      }
    });

    it('a write to a host name is resolved first and keeps its place in the order', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      a.write({ data: Buffer.from('1'), host: '127.0.0.1', port: b.localPort });
      a.write({ data: Buffer.from('2'), host: 'localhost', port: b.localPort });
      a.write({ data: Buffer.from('3'), host: '127.0.0.1', port: String(b.localPort) });
      const got = await readMessages(b, 3);
      expect(got.map((m) => m.data.toString())).to.deep.equal(['1', '2', '3']);
    });

    it('a message longer than inputBufferSize is cut and flagged truncated; the next one is whole', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup, { inputBufferSize: 100 });
      const big = randomBytes(1000);
      a.write({ data: big, host: '127.0.0.1', port: b.localPort });
      a.write({ data: Buffer.from('small'), host: '127.0.0.1', port: b.localPort });
      const [m1, m2] = await readMessages(b, 2);
      expect(m1!.data.length).to.equal(100);
      expect(m1!.data.equals(big.subarray(0, 100))).to.equal(true);
      expect(m1!.truncated).to.equal(true);
      expect(m2!.data.toString()).to.equal('small');
      expect(m2!.truncated).to.not.equal(true);
    });

    it('interoperates with node:dgram in both directions', async () => {
      const a = await udp(cleanup);
      const n = cleanup.add(dgram.createSocket('udp4'));
      n.bind(0, '127.0.0.1');
      await once(n, 'listening');
      const nPort = n.address().port;
      const nodeGot = once(n, 'message');
      a.write({ data: Buffer.from('to node'), host: '127.0.0.1', port: nPort });
      const [msg, rinfo] = (await nodeGot) as [Buffer, dgram.RemoteInfo];
      expect(msg.toString()).to.equal('to node');
      expect(rinfo.port).to.equal(a.localPort);
      n.send(Buffer.alloc(0), a.localPort!, '127.0.0.1');
      n.send('from node', a.localPort!, '127.0.0.1');
      const [empty, full] = await readMessages(a, 2);
      expect(empty!.data.length).to.equal(0);
      expect(full!.data.toString()).to.equal('from node');
      expect(full!.port).to.equal(nPort);
    });

    it('broadcast: without it a send to 127.255.255.255 is EACCES; with it the datagram arrives', async () => {
      const r = cleanup.add(await makeSocket({ type: 'datagram', localHost: '0.0.0.0', localPort: 0 }));
      const noBc = await udp(cleanup);
      expect(noBc.getOption('broadcast')).to.equal(false);
      let err: unknown;
      try {
        await noBc.sendTo(Buffer.from('x'), { remoteHost: '127.255.255.255', remotePort: r.localPort! });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketAccessDeniedError);

      const bc = await udp(cleanup, { broadcast: true });
      expect(bc.getOption('broadcast')).to.equal(true);
      await bc.sendTo(Buffer.from('to all'), { remoteHost: '127.255.255.255', remotePort: r.localPort! });
      const m = await nextMessage(r);
      expect(m.data.toString()).to.equal('to all');
      expect(m.port).to.equal(bc.localPort);
    });
  });

  describe('sendTo and receiveFrom', () => {
    it('sendTo returns the bytes sent and honours start/end; receiveFrom names the sender', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      const buf = Buffer.from('0123456789');
      expect(await a.sendTo(buf, { start: 2, end: 7, remoteHost: '127.0.0.1', remotePort: b.localPort! })).to.equal(5);
      const r = await b.receiveFrom({ size: 100, timeout: 5000 });
      expect(r).to.not.equal(null);
      expect(r!.bytes).to.equal(5);
      expect(r!.buffer.subarray(0, r!.bytes).toString()).to.equal('23456');
      expect(r!.host!.toString()).to.equal('127.0.0.1');
      expect(r!.port).to.equal(a.localPort);
    });

    it('sendTo flags: dontWait, dontRoute, confirm are accepted; more (MSG_MORE) joins two sends into one datagram', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      const to = { remoteHost: '127.0.0.1', remotePort: b.localPort! };
      expect(await a.sendTo(Buffer.from('w'), { ...to, dontWait: true })).to.equal(1);
      expect(await a.sendTo(Buffer.from('r'), { ...to, dontRoute: true })).to.equal(1);
      expect(await a.sendTo(Buffer.from('c'), { ...to, confirm: true })).to.equal(1);
      expect(await a.sendTo(Buffer.from('first+'), { ...to, more: true })).to.equal(6);
      expect(await a.sendTo(Buffer.from('second'), to)).to.equal(6);
      const got = await readMessages(b, 4);
      expect(got.map((m) => m.data.toString())).to.deep.equal(['w', 'r', 'c', 'first+second']);
    });

    it('sendTo outOfBand on UDP is SocketOperationNotSupportedError (EOPNOTSUPP)', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      let err: unknown;
      try {
        await a.sendTo(Buffer.from('oob'), { remoteHost: '127.0.0.1', remotePort: b.localPort!, outOfBand: true });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketOperationNotSupportedError);
    });

    it('receiveFrom: peek leaves the datagram, dontWait answers null when empty, a short buffer reports truncated', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      expect(await b.receiveFrom({ dontWait: true })).to.equal(null);
      await a.sendTo(Buffer.from('peek-a-boo'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const peeked = await b.receiveFrom({ size: 64, peek: true, timeout: 5000 });
      expect(peeked!.buffer.subarray(0, peeked!.bytes).toString()).to.equal('peek-a-boo');
      expect(peeked!.port).to.equal(a.localPort);
      const short = await b.receiveFrom({ size: 4, waitAll: true, dontWait: true });
      expect(short!.bytes).to.equal(4);
      expect(short!.buffer.toString()).to.equal('peek');
      expect(short!.truncated).to.equal(true);
      expect(await b.receiveFrom({ dontWait: true }), 'consumed').to.equal(null);
    });

    it('outOfBand both ways on a TCP pair: the urgent byte is read apart from the stream', async () => {
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
      const accepting = server.acceptConnection({ timeout: 5000 });
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }));
      const conn = cleanup.add((await accepting)!);
      expect(await client.sendTo(Buffer.from('normal'))).to.equal(6);
      expect(await client.sendTo(Buffer.from('!'), { outOfBand: true })).to.equal(1);
      const normal = await conn.receiveFrom({ size: 6, waitAll: true, timeout: 5000 });
      expect(normal!.buffer.toString()).to.equal('normal');
      const urgent = await conn.receiveFrom({ size: 1, outOfBand: true, timeout: 5000 });
      expect(urgent!.bytes).to.equal(1);
      expect(urgent!.buffer.toString()).to.equal('!');
    });

    it('receiveFrom into a caller buffer between start and end', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      await a.sendTo(Buffer.from('abc'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const buffer = Buffer.alloc(10, '.');
      const r = await b.receiveFrom({ buffer, start: 4, end: 9, timeout: 5000 });
      expect(r!.buffer).to.equal(buffer);
      expect(r!.bytes).to.equal(3);
      expect(buffer.toString()).to.equal('....abc...');
    });

    it('receiveFrom of a zero-length datagram resolves with 0 bytes (not null)', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      await a.sendTo(Buffer.alloc(0), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const r = await b.receiveFrom({ size: 16, timeout: 5000 });
      expect(r).to.not.equal(null);
      expect(r!.bytes).to.equal(0);
      expect(r!.port).to.equal(a.localPort);
    });

    it('receiveFrom waits for a datagram that comes later; timeout rejects PollTimeoutError; signal rejects AbortError', async () => {
      const a = await udp(cleanup);
      const b = await udp(cleanup);
      const waiting = b.receiveFrom({ size: 32, timeout: 5000 });
      await loopTurn();
      await a.sendTo(Buffer.from('late'), { remoteHost: '127.0.0.1', remotePort: b.localPort! });
      const r = await waiting;
      expect(r!.buffer.subarray(0, r!.bytes).toString()).to.equal('late');

      let err: unknown;
      try {
        await b.receiveFrom({ timeout: 30 });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PollTimeoutError);

      const ac = new AbortController();
      const aborted = b.receiveFrom({ signal: ac.signal });
      ac.abort(new Error('stop'));
      err = undefined;
      try {
        await aborted;
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(AbortError);
      expect((err as AbortError).code).to.equal('ABORT_ERR');
    });

    it('a pending receiveFrom rejects with SocketClosedError when the socket closes', async () => {
      const b = await udp(cleanup);
      const waiting = b.receiveFrom({ timeout: 5000 });
      await loopTurn();
      await b.close();
      let err: unknown;
      try {
        await waiting;
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketClosedError);
    });
  });

  describe('UDP over IPv6', () => {
    it('messages between ::1 sockets carry IPv6 sender addresses; zero-length too', async function () {
      await requireUdp6(this);
      const a = await udp6(cleanup);
      const b = await udp6(cleanup);
      expect(a.ipv6).to.equal(true);
      expect(a.localHost!.toString()).to.equal('::1');
      a.write({ data: Buffer.from('six'), host: '::1', port: b.localPort });
      a.write({ data: Buffer.alloc(0), host: '::1', port: b.localPort });
      const [m, z] = await readMessages(b, 2);
      expect(m!.data.toString()).to.equal('six');
      expect(m!.host!.toString()).to.equal('::1');
      expect(m!.port).to.equal(a.localPort);
      expect(z!.data.length).to.equal(0);
    });

    it('a burst of 3000 over ::1 keeps boundaries and order', async function () {
      await requireUdp6(this);
      const a = await udp6(cleanup);
      const b = await udp6(cleanup);
      b.setOption('receiveBuffer', 4 * 1024 * 1024);
      const got = await burst(a, b, 3000, (i) => ({ data: seqPayload(i), host: '::1', port: b.localPort }));
      got.forEach((m, i) => expectSeqPayload(m.data, i));
    });

    it('connected over ::1: Buffer writes and peer-addressed reads', async function () {
      await requireUdp6(this);
      const a = await udp6(cleanup);
      const b = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '::1', remotePort: a.localPort }));
      expect(b.ipv6).to.equal(true);
      await send(b, Buffer.from('v6 peer'));
      const m = await nextMessage(a);
      expect(m.data.toString()).to.equal('v6 peer');
      await send(a, { data: Buffer.from('back'), host: m.host, port: m.port });
      const r = await nextMessage(b);
      expect(r.data.toString()).to.equal('back');
      expect(r.host!.toString()).to.equal('::1');
      expect(r.port).to.equal(a.localPort);
    });
  });

  describe('Unix datagram sockets', () => {
    it('bound sockets exchange messages addressed by filename; the reader sees the sender filename', async () => {
      const pa = kindsPath('dga');
      const pb = kindsPath('dgb');
      const a = await unix(cleanup, pa);
      const b = await unix(cleanup, pb);
      expect(a).to.be.instanceOf(SocketDatagramLocalActive);
      expect(a.localFilename).to.equal(pa);
      await send(a, { data: Buffer.from('to b'), filename: pb });
      const m = await nextMessage(b);
      expect(m.data.toString()).to.equal('to b');
      expect(m.filename).to.equal(pa);
      await send(b, { data: Buffer.from('to a'), filename: m.filename });
      expect((await nextMessage(a)).data.toString()).to.equal('to a');
    });

    it('abstract names: send to one, read the sender name, reply to it', async () => {
      const na = abstractName('dga');
      const nb = abstractName('dgb');
      const a = await unix(cleanup, undefined, { localFilename: na, abstract: true });
      const b = await unix(cleanup, undefined, { localFilename: nb, abstract: true });
      expect(a.localName()).to.deep.equal({ filename: na, abstract: true });
      await send(a, { data: Buffer.from('abstract'), filename: nb, abstract: true });
      const m = await nextMessage(b);
      expect(m.data.toString()).to.equal('abstract');
      expect(m.filename).to.equal(na);
      expect(m.abstract).to.equal(true);
      // Echoing the message object back (data replaced) reaches the abstract sender.
      await send(b, { ...m, data: Buffer.from('reply') });
      expect((await nextMessage(a)).data.toString()).to.equal('reply');
    });

    it('connected (remoteFilename): Buffer writes, sendTo without address, zero-length', async () => {
      const pb = kindsPath('dgsrv');
      const b = await unix(cleanup, pb);
      const a = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', remoteFilename: pb }));
      expect(a.isConnected()).to.equal(true);
      expect(a.remoteFilename).to.equal(pb);
      await send(a, Buffer.from('one'));
      await send(a, Buffer.alloc(0));
      expect(await a.sendTo(Buffer.from('three'))).to.equal(5);
      const got = await readMessages(b, 3);
      expect(got.map((m) => m.data.toString())).to.deep.equal(['one', '', 'three']);
    });

    it('disconnect() on a connected local datagram socket: Buffers then fail, addressed writes still go', async () => {
      const pb = kindsPath('dgdisc');
      const b = await unix(cleanup, pb);
      const a = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', remoteFilename: pb }));
      a.disconnect();
      expect(a.isConnected()).to.equal(false);
      await send(a, { data: Buffer.from('addressed'), filename: pb });
      expect((await nextMessage(b)).data.toString()).to.equal('addressed');
      a.on('error', () => {});
      let err: unknown;
      try {
        await send(a, Buffer.from('to nobody'));
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketError);
    });

    it('a burst of 5000 messages through a socketpair keeps boundaries and order (kernel backpressure)', async () => {
      const { makeSocketPair } = await import('../../lib/sockets/index.js');
      const [x, y] = makeSocketPair({ type: 'datagram' });
      cleanup.add(x);
      cleanup.add(y);
      const got = await burst(x, y, 5000, (i) => seqPayload(i, 3000));
      got.forEach((m, i) => expectSeqPayload(m.data, i, 3000));
    });

    it('a burst of 3000 addressed to a path from an unbound sender', async () => {
      const pb = kindsPath('dgburst');
      const b = await unix(cleanup, pb);
      const a = await unix(cleanup);
      const got = await burst(a, b, 3000, (i) => ({ data: seqPayload(i, 2000), filename: pb }));
      got.forEach((m, i) => expectSeqPayload(m.data, i, 2000));
    });

    it('receiveFrom names the sender filename; sendTo takes remoteFilename', async () => {
      const pa = kindsPath('rfa');
      const pb = kindsPath('rfb');
      const a = await unix(cleanup, pa);
      const b = await unix(cleanup, pb);
      expect(await a.sendTo(Buffer.from('datagram'), { remoteFilename: pb })).to.equal(8);
      const r = await b.receiveFrom({ size: 100, timeout: 5000 });
      expect(r!.buffer.subarray(0, r!.bytes).toString()).to.equal('datagram');
      expect(r!.filename).to.equal(pa);
    });

    it('datagrams from a python3 sender arrive intact, in order, with its filename', async function () {
      await requirePython(this);
      const pb = kindsPath('pyrecv');
      const pa = kindsPath('pysend');
      cleanup.path(pa);
      const b = await unix(cleanup, pb);
      const count = 500;
      const py = startPython(
        `import socket, sys, hashlib
me, to, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(me)
for i in range(count):
    n = (i * 7919) % 4001
    body = bytes(((i + k) & 0xff) for k in range(n))
    s.sendto(i.to_bytes(4, 'big') + body, to)
    if i % 50 == 0:
        s.sendto(b'', to)
`,
        [pa, pb, String(count)],
      );
      cleanup.add(() => py.child.kill());
      const expected: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const n = (i * 7919) % 4001;
        const body = Buffer.alloc(n);
        for (let k = 0; k < n; k++) body[k] = (i + k) & 0xff;
        expected.push(Buffer.concat([Buffer.from([i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff]), body]));
        if (i % 50 === 0) expected.push(Buffer.alloc(0));
      }
      const got = await readMessages(b, expected.length, 15000);
      pythonOk(await py.done);
      got.forEach((m, i) => {
        if (!m.data.equals(expected[i]!)) expect.fail(`message ${i}: ${m.data.length} bytes, expected ${expected[i]!.length}`);
        expect(m.filename).to.equal(pa);
      });
    });

    it('our datagrams reach a python3 receiver intact (sha256 per message)', async function () {
      await requirePython(this);
      const pb = kindsPath('pyrx');
      cleanup.path(pb);
      const a = await unix(cleanup);
      const py = startPython(
        `import socket, sys, hashlib
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print('ready', flush=True)
out = []
while True:
    b = s.recv(70000)
    if b == b'END': break
    out.append(f'{len(b)}:{hashlib.sha256(b).hexdigest()[:16]}')
print(' '.join(out))
`,
        [pb],
      );
      cleanup.add(() => py.child.kill());
      const { pythonLine } = await import('../helpers/kinds.js');
      expect(await pythonLine(py.child)).to.equal('ready');
      const msgs = [Buffer.alloc(0), randomBytes(1), randomBytes(65000), randomBytes(3), Buffer.alloc(0), randomBytes(1000)];
      for (const m of msgs) await send(a, { data: m, filename: pb });
      await send(a, { data: Buffer.from('END'), filename: pb });
      const out = pythonOk(await py.done).trim().split('\n').pop()!;
      const { createHash } = await import('node:crypto');
      expect(out.split(' ')).to.deep.equal(msgs.map((m) => `${m.length}:${createHash('sha256').update(m).digest('hex').slice(0, 16)}`));
    });
  });

  describe('reuseAddress default', () => {
    const cleanup2 = new KindsCleanup();
    afterEach(() => cleanup2.run());

    it('is on when binding, yet a kernel-chosen port is never one another socket holds', async () => {
      const make = async (options: Record<string, unknown>) =>
        cleanup2.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', ...options }));
      expect((await make({ localPort: 0 })).getOption('reuseAddress')).to.equal(true);
      expect((await make({ localPort: await freeUdpPort() })).getOption('reuseAddress')).to.equal(true);
      expect((await make({ localPort: 0, reuseAddress: false })).getOption('reuseAddress')).to.equal(false);
      // The case that lost datagrams: with SO_REUSEADDR set before a port-0 bind, the kernel
      // could hand a new socket the receiver's port, and the receiver's datagrams to it.
      // A collision came about once in ~10,000 binds, so this is a coarse guard; the leak
      // suite's 1000 UDP round trips failed about one run in six before the fix.
      const sink = await make({ localPort: 0 });
      for (let i = 0; i < 5000; i++) {
        const s = await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 });
        const port = s.localPort;
        await s.close();
        expect(port).to.not.equal(sink.localPort);
      }
    });
  });
});
