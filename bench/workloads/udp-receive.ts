/**
 * UDP receive rate under a burst: a receiver bound on loopback with a large receive buffer
 * (4 MiB asked: SO_RCVBUF is capped by net.core.rmem_max) and a sender connected to it, both in
 * this process. Each burst, the sender hands B 64-byte datagrams to the kernel (B sized to fit
 * the receive buffer, so nothing is dropped): node sends each as send() is called; iolib sends
 * the writes of one tick together in sendmmsg batches, done when the last write's callback
 * runs, before the event loop polls again. Then the receiver drains them through its
 * 'message' / 'data' events. Only the drain is timed (from the burst handed over to the last
 * datagram received), so the receive side is what is measured; the send rate is reported
 * beside it. Bursts repeat until a fixed count of datagrams is received (BENCH_UDP_COUNT,
 * default 786,432) or, in `udp-receive@window`, for the time window; answer: datagrams
 * received per second of drain.
 *
 * BENCH_UDP_SENDER=node makes node:dgram the sender in both runs, so only the receiver
 * differs (iolib's sender hands the kernel segmented sends, which it splits more cheaply).
 */
import dgram from 'node:dgram';
import type { SocketDatagramInternetActive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, iolib, nextTurn, scaled, sleep, windowMs, type Form, type Workload } from '../workload.js';

const SIZE = 64;
const payload = Buffer.alloc(SIZE, 0x63);
const RCVBUF = () => envInt('BENCH_UDP_RCVBUF', 4 * 1024 * 1024);
/** Kernel memory one 64-byte datagram takes in a loopback receive queue (skb truesize, measured: ~832). */
const TRUESIZE = 1024;
const datagrams = () => scaled(envInt('BENCH_UDP_COUNT', 786_432), 64);
const maxBurst = () => envInt('BENCH_UDP_BURST', 4096);

interface Ends {
  /** Hands `n` datagrams to the kernel; resolves (if it returns a promise) once it has. */
  burst(n: number): void | Promise<void>;
  /** Installs the receive counter. */
  onReceive(fn: () => void): void;
  /** The receive buffer the kernel granted (getsockopt: twice what was asked). */
  rcvbuf: number;
}

/** The measuring loop, the same for both libraries. */
async function drainBursts(ends: Ends, form: Form): Promise<{ rate: number; received: number; dropped: number; bursts: number; burstSize: number; sendRate: number }> {
  let burstSize = Math.max(64, Math.min(maxBurst(), Math.floor((ends.rcvbuf * 0.6) / TRUESIZE)));
  const count = datagrams();
  const ms = windowMs();
  let got = 0;
  let expected = 0;
  let wake: ((t: number) => void) | null = null;
  ends.onReceive(() => {
    if (++got === expected && wake) wake(performance.now());
  });
  let drainMs = 0;
  let sendMs = 0;
  let received = 0;
  let dropped = 0;
  let bursts = 0;
  const start = performance.now();
  while (form === 'count' ? received < count : performance.now() - start < ms) {
    got = 0;
    expected = form === 'count' ? Math.min(burstSize, count - received) : burstSize;
    const done = new Promise<number>((resolve) => (wake = resolve));
    const s0 = performance.now();
    await ends.burst(expected);
    const t0 = performance.now();
    sendMs += t0 - s0;
    // A burst that lost datagrams never reaches `expected`: give up on it after a quiet spell
    // and leave it out of the timing.
    let last = -1;
    const t1 = await Promise.race([
      done,
      (async () => {
        for (;;) {
          await sleep(50);
          if (got === last) return -1;
          last = got;
        }
      })(),
    ]);
    wake = null;
    bursts++;
    if (t1 < 0) {
      dropped += expected - got;
      burstSize = Math.max(64, burstSize >> 1);
      continue;
    }
    drainMs += t1 - t0;
    received += got;
    await nextTurn();
  }
  if (received === 0) throw new Error('udp-receive: every burst lost datagrams');
  return { rate: received / (drainMs / 1000), received, dropped, bursts, burstSize, sendRate: (received + dropped) / (sendMs / 1000) };
}

/** A sender connected to `port`, bursting `payload`s. */
interface Sender {
  burst(n: number): void | Promise<void>;
  close(): Promise<void>;
}

/** node:dgram: each datagram goes to the kernel when send() is called. */
async function nodeSender(port: number): Promise<Sender> {
  const tx = dgram.createSocket({ type: 'udp4', sendBufferSize: RCVBUF() });
  await new Promise<void>((resolve) => tx.connect(port, LOOPBACK, resolve));
  return {
    burst(n) {
      for (let i = 0; i < n; i++) tx.send(payload);
    },
    close: () => new Promise<void>((resolve) => tx.close(() => resolve())),
  };
}

/** iolib: the writes of one tick leave together (sendmmsg; same-length runs as UDP_SEGMENT sends). */
async function iolibSender(port: number): Promise<Sender> {
  const { makeSocket } = await iolib();
  const tx = (await makeSocket({ type: 'datagram', remoteHost: LOOPBACK, remotePort: port })) as SocketDatagramInternetActive;
  tx.setOption('sendBuffer', RCVBUF());
  return {
    burst(n) {
      for (let i = 1; i < n; i++) tx.write(payload);
      return new Promise<void>((resolve) => tx.write(payload, () => resolve()));
    },
    close: () => tx.close(),
  };
}

/** BENCH_UDP_SENDER=node: node:dgram sends in both runs, so only the receiver differs. */
const senderFor = (port: number, library: 'iolib' | 'node') => (library === 'node' || process.env.BENCH_UDP_SENDER === 'node' ? nodeSender(port) : iolibSender(port));

export function udpReceive(form: Form): Workload {
  const w: Workload = {
    name: form === 'count' ? 'udp-receive' : 'udp-receive@window',
    unit: 'dgram/s',
    higherIsBetter: true,
    target: 4,
    description: `loopback UDP, 64-byte datagrams sent in bursts that fit a large receive buffer; only the receiver draining each burst is timed; ${form === 'count' ? 'a fixed count of datagrams' : 'bursts over a time window'}`,

    async runIolib() {
      const { makeSocket } = await iolib();
      const rx = (await makeSocket({ type: 'datagram', localHost: LOOPBACK, localPort: 0 })) as SocketDatagramInternetActive;
      let tx: Sender | undefined;
      try {
        rx.setOption('receiveBuffer', RCVBUF());
        tx = await senderFor(rx.localPort!, 'iolib');
        const r = await drainBursts({
          burst: tx.burst,
          onReceive(fn) {
            rx.on('data', fn);
          },
          rcvbuf: rx.getOption('receiveBuffer') as number,
        }, form);
        w.details = { ...r };
        return r.rate;
      } finally {
        await Promise.all([rx.close(), tx?.close()]);
      }
    },

    async runNode() {
      const rx = dgram.createSocket({ type: 'udp4', recvBufferSize: RCVBUF() });
      let tx: Sender | undefined;
      try {
        await new Promise<void>((resolve) => rx.bind(0, LOOPBACK, resolve));
        tx = await senderFor(rx.address().port, 'node');
        const r = await drainBursts({
          burst: tx.burst,
          onReceive(fn) {
            rx.on('message', fn);
          },
          rcvbuf: rx.getRecvBufferSize(),
        }, form);
        w.details = { ...r };
        return r.rate;
      } finally {
        await Promise.all([new Promise<void>((resolve) => rx.close(() => resolve())), tx?.close()]);
      }
    },
    ...(form === 'count' ? { reference: () => ({ program: 'udp_recv', args: [String(datagrams()), String(RCVBUF()), String(maxBurst())] }) } : {}),
  };
  return w;
}
