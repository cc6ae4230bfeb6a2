/**
 * The fault campaign of issue 16, bounded so it runs in a few minutes: `npm run test:stress`
 * (not part of `npm test`). Each probe prints its figures; sizes scale with IOLIB_STRESS_SCALE
 * (default 1).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { closeSync } from 'node:fs';
import * as net from 'node:net';
import { native } from '../../lib/native.js';
import {
  makeSocket, makeSocketPair, SocketError, SocketStreamInternetPassive,
} from '../../lib/sockets/index.js';
import { Cleanup, fdCount, freePort } from '../helpers/sockets.js';
import { kindsPath } from '../helpers/kinds.js';
import { timerGaps } from '../helpers/timer-gaps.js';
import { emfileProbe, resettingPeer, addonLoadTerminateProbe, workerTerminateProbe, type ChildResult } from '../helpers/probes.js';

const SCALE = Number(process.env.IOLIB_STRESS_SCALE ?? 1);
const n = (base: number) => Math.max(1, Math.round(base * SCALE));

/** Runs a worker-terminating probe with `workers` workers: the child must end cleanly. */
async function expectSurvives(probe: string, workers: number, run: (workers: number) => Promise<ChildResult>): Promise<void> {
  const r = await run(workers);
  report(probe, { workers, exitCode: r.code, signal: r.signal, survived: r.stdout.includes('survived') });
  expect(r.signal, r.stderr).to.equal(null);
  expect(r.code, r.stderr).to.equal(0);
  expect(r.stdout).to.include('survived');
}

function report(probe: string, figures: Record<string, unknown>): void {
  console.log(`      [${probe}] ${Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v)}`).join(' ')}`);
}

/** Settles after `ms`, or when the socket's pending operation is done. */
function settledOnce(p: Promise<unknown>): Promise<{ count: number }> {
  const seen = { count: 0 };
  p.then(() => seen.count++, () => seen.count++);
  return new Promise((resolve) => setTimeout(() => resolve(seen), 50));
}

describe('stress campaign (issue 16)', function () {
  this.timeout(300000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('leak: open/close cycles with every kind of failure leave no fd behind', async () => {
    const server = cleanup.add((await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 })));
    const refused = await freePort();
    const before = fdCount();
    const cycles = n(3000);
    let failures = 0;
    for (let i = 0; i < cycles; i += 50) {
      await Promise.all(Array.from({ length: 50 }, async (_, k) => {
        const shape = (i + k) % 5;
        try {
          if (shape === 0) {
            const accepting = server.acceptConnection();
            const c = (await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
            const conn = (await accepting)!;
            c.write('x');
            await conn.receiveFrom({ size: 4 });
            await Promise.all([c.close(), conn.close({ abort: true })]);
          } else if (shape === 1) {
            await makeSocket({ remoteHost: '127.0.0.1', remotePort: refused });
          } else if (shape === 2) {
            await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: server.localPort! });
          } else if (shape === 3) {
            const [a, b] = makeSocketPair({ type: (['stream', 'datagram', 'seqpacket'] as const)[k % 3] });
            await Promise.all([a.close(), b.close()]);
          } else {
            const s = (await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
            const r = s.receiveFrom({ timeout: 1 }).catch(() => null);
            await s.close();
            await r;
          }
        } catch (err) {
          if (!(err instanceof SocketError)) throw err;
          failures++;
        }
      }));
    }
    const after = fdCount();
    report('leak', { cycles, failures, fdsBefore: before, fdsAfter: after });
    expect(after).to.equal(before);
  });

  it('close during pending: every pending operation settles exactly once', async () => {
    const rounds = n(200);
    let settledOk = 0;
    const before = fdCount();
    for (let i = 0; i < rounds; i++) {
      const server = (await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
      const accepting = server.acceptConnection();
      const client = (await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
      const conn = (await accepting)!;
      const [pa, pb] = makeSocketPair({ type: 'stream' });
      const udp = (await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
      const pending = [
        server.acceptConnection(),
        client.receiveFrom({ size: 8 }),
        udp.receiveFrom(),
        pa.receiveMessage(),
        pb.receiveFileDescriptor(),
        client.sendTo(Buffer.alloc(8 << 20)),
      ];
      const seen = pending.map(settledOnce);
      await Promise.all([server.close(), client.close({ abort: true }), conn.close({ abort: true }), pa.close(), pb.close(), udp.close()]);
      for (const s of await Promise.all(seen)) if (s.count === 1) settledOk++;
    }
    const after = fdCount();
    report('close-during-pending', { rounds, pending: rounds * 6, settledOnce: settledOk, fdsBefore: before, fdsAfter: after });
    expect(settledOk).to.equal(rounds * 6);
    expect(after).to.equal(before);
  });

  it('integrity: concurrent TCP and Unix connections, random write sizes, reader pauses, half-close (SHA-256)', async () => {
    const perConnection = n(8) * 1024 * 1024;
    let bytes = 0;
    const gaps = timerGaps();
    const one = async (local: boolean, i: number) => {
      // A listener each: concurrent accepts on one listener would pair connections at random.
      const path = kindsPath(`integrity-${i}`);
      const server = cleanup.add((await (local
        ? makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path })
        : makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }))));
      const accepting = server.acceptConnection();
      const client = (await (local
        ? makeSocket({ addressFamily: 'local', remoteFilename: path })
        : makeSocket({ remoteHost: '127.0.0.1', remotePort: server instanceof SocketStreamInternetPassive ? server.localPort! : 0 })));
      const conn = (await accepting)!;
      const sent = createHash('sha256');
      const got = createHash('sha256');
      let received = 0;
      const reading = new Promise<void>((resolve, reject) => {
        conn.on('data', (d: Buffer) => {
          got.update(d);
          received += d.length;
          if (randomInt(50) === 0) {
            conn.pause();
            setTimeout(() => conn.resume(), randomInt(20));
          }
        });
        conn.on('end', resolve);
        conn.on('error', reject);
      });
      let left = perConnection;
      while (left > 0) {
        const chunk = randomBytes(Math.min(left, 1 + randomInt(256 * 1024)));
        sent.update(chunk);
        left -= chunk.length;
        if (!client.write(chunk)) await once(client, 'drain');
      }
      client.end();
      await reading;
      // Half-close: the other direction still works after the end.
      conn.end('bye');
      const [tail] = (await once(client, 'data')) as [Buffer];
      expect(tail.toString()).to.equal('bye');
      expect(got.digest('hex')).to.equal(sent.digest('hex'));
      expect(received).to.equal(perConnection);
      bytes += received;
      await Promise.all([client.close(), conn.close(), server.close()]);
    };
    await Promise.all([0, 1, 2, 3, 4, 5].flatMap((i) => [one(false, i), one(true, i)]));
    report('integrity', { connections: 12, bytes, longestTimerGapMs: gaps.stop() });
  });

  it('ring drain: sockets destroyed right after bulk writes deliver every completed write to readers, and give up on the rest', async () => {
    native.setRingDrainTimeout(1000);
    cleanup.add(() => native.setRingDrainTimeout(10_000));
    const data = randomBytes(8 * 1024 * 1024);
    const MiB = 1024 * 1024;
    // Connections made 20 at a time: each finds its peer by its own port.
    const peers = new Map<number, net.Socket>();
    const waiting = new Map<number, (s: net.Socket) => void>();
    const server = net.createServer((s) => {
      const take = waiting.get(s.remotePort!);
      if (take) take(s);
      else peers.set(s.remotePort!, s);
    });
    const peerOf = (port: number) => peers.get(port) ?? new Promise<net.Socket>((resolve) => waiting.set(port, resolve));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup.add(() => server.close());
    const port = (server.address() as net.AddressInfo).port;
    const before = fdCount();
    const connections = n(120);
    const outcome = { reading: 0, resetting: 0, silent: 0, bytes: 0 };
    for (let i = 0; i < connections; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, connections - i) }, async (_, k) => {
        // Readers (slow, pausing) must get every completed write; a peer that resets or never
        // reads ends the drain by its error or by the timeout.
        const shape = ['reading', 'reading', 'reading', 'resetting', 'silent'][(i + k) % 5] as keyof typeof outcome;
        const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: port });
        const peer = await peerOf(client.localPort!);
        peer.pause();
        peer.on('error', () => {});
        client.on('error', () => {});
        let completed = 0;
        const writes = 1 + randomInt(8);
        for (let w = 0; w < writes; w++) client.write(data.subarray(w * MiB, (w + 1) * MiB), (err) => { if (!err) completed += MiB; });
        await new Promise((resolve) => setTimeout(resolve, randomInt(5)));
        client.destroy();
        outcome[shape]++;
        if (shape === 'reading') {
          const chunks: Buffer[] = [];
          peer.on('data', (d: Buffer) => {
            chunks.push(d);
            if (randomInt(20) === 0) {
              peer.pause();
              setTimeout(() => peer.resume(), randomInt(10));
            }
          });
          peer.resume();
          await once(peer, 'end');
          const got = Buffer.concat(chunks);
          expect(got.length, 'every completed write arrived').to.be.at.least(completed);
          expect(createHash('sha256').update(got).digest('hex'), 'a prefix of what was written').to.equal(createHash('sha256').update(data.subarray(0, got.length)).digest('hex'));
          outcome.bytes += got.length;
          peer.destroy();
        } else if (shape === 'resetting') {
          await new Promise((resolve) => setTimeout(resolve, randomInt(50)));
          peer.resetAndDestroy();
        } else {
          // Never reads: the ring gives up after the (shortened) drain timeout; then the peer goes.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          peer.destroy();
        }
      }));
    }
    const deadline = Date.now() + 5000;
    while (fdCount() > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    report('ring-drain', { connections, ...outcome, fdsLeft: fdCount() - before });
    expect(fdCount(), 'fds after every drain ended').to.equal(before);
  });

  it('fd flood: thousands of fds passed and closed, none leaked', async () => {
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    const before = fdCount();
    const count = n(5000);
    const gaps = timerGaps();
    const sending = (async () => {
      for (let i = 0; i < count; i++) await a.sendMessage({ data: 'x', fds: [0, 1, 2] });
    })();
    let received = 0;
    for (let i = 0; i < count; i++) {
      const msg = (await b.receiveMessage({ size: 1 }))!;
      for (const fd of msg.fds) closeSync(fd);
      received += msg.fds.length;
    }
    await sending;
    const after = fdCount();
    report('fd-flood', { messages: count, fdsPassed: received, fdsBefore: before, fdsAfter: after, longestTimerGapMs: gaps.stop() });
    expect(received).to.equal(count * 3);
    expect(after).to.equal(before);
  });

  it('EMFILE: a child out of fds pauses accepting, uses ~0% CPU, serves everyone later', async () => {
    const r = await emfileProbe(n(60), 48);
    report('emfile', { exitCode: r.exitCode, pauses: r.paused, error: r.pausedError, cpuWhileOutOfFdsPercent: r.cpu, served: r.served, answered: r.answered });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.cpu).to.be.below(30);
    expect(r.answered).to.be.at.least(r.served);
  });

  it('reset: a peer that accepts and resets at once never makes makeSocket reject', async () => {
    const { server, port } = await resettingPeer();
    cleanup.add(server);
    const before = fdCount();
    const tries = n(500);
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < tries; i += 20) {
      await Promise.all(Array.from({ length: 20 }, async () => {
        let outcome: string;
        try {
          const s = (await makeSocket({ remoteHost: '127.0.0.1', remotePort: port }));
          outcome = await new Promise<string>((resolve) => {
            s.on('error', (e: SocketError) => resolve(`read ${e.code}`));
            s.on('end', () => resolve('end'));
            s.resume();
          });
          await s.close();
        } catch (err) {
          outcome = `connect rejected ${(err as SocketError).code}`;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }));
    }
    const after = fdCount();
    report('reset', { connects: tries, ...outcomes, fdsBefore: before, fdsAfter: after });
    expect(Object.keys(outcomes).filter((k) => k.startsWith('connect rejected'))).to.deep.equal([]);
    expect(after).to.equal(before);
  });

  it('UDP flood: another process floods a datagram stream; timers keep running', async () => {
    const receiver = cleanup.add((await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 })));
    let got = 0;
    receiver.on('data', () => {
      got++;
      const end = performance.now() + 0.05;
      while (performance.now() < end);
    });
    const seconds = Math.max(1, Math.round(3 * SCALE));
    const flooder = spawn(process.execPath, ['-e', `
      const s = require('node:dgram').createSocket('udp4');
      const b = Buffer.alloc(512, 1);
      const end = Date.now() + ${seconds * 1000};
      let sent = 0;
      const burst = () => {
        for (let i = 0; i < 256; i++) { s.send(b, ${receiver.localPort}, '127.0.0.1'); sent++; }
        if (Date.now() < end) setImmediate(burst); else setTimeout(() => { console.log(sent); s.close(); }, 100);
      };
      burst();`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    flooder.stdout.on('data', (d: Buffer) => (out += d));
    const gaps = timerGaps();
    await once(flooder, 'close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const longest = gaps.stop();
    report('udp-flood', { seconds, sent: Number(out.trim()), received: got, longestTimerGapMs: longest });
    expect(got).to.be.above(0);
    expect(longest).to.be.below(250);
  });

  it('addon load terminate: workers terminated while the addon initialises never abort the process', async () => {
    await expectSurvives('addon-load-terminate', n(3000), addonLoadTerminateProbe);
  });

  it('worker terminate: workers terminated inside native calls never abort the process', async () => {
    await expectSurvives('worker-terminate', n(200), workerTerminateProbe);
  });
});
