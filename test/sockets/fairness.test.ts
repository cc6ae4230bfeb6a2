/**
 * Event-loop fairness as a measured property: each kind of socket is flooded while a 10 ms
 * timer runs, and the longest gap between the timer's runs must stay under 250 ms. This bounds
 * a stall (work done per wakeup), it does not time the library: node:dgram under the same
 * flood stalls about 35 ms.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { closeSync } from 'node:fs';
import {
  makeSocket, makeSocketPair,
} from '../../lib/sockets/index.js';
import { Cleanup } from '../helpers/sockets.js';
import { timerGaps } from '../helpers/timer-gaps.js';

const MAX_GAP_MS = 250;

/** Spends about `ms` of CPU: a consumer that does real work per message. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Writes `count` chunks of `chunkOf(i)`, honouring backpressure. */
async function flood(writer: NodeJS.WritableStream, count: number, chunkOf: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (!writer.write(chunkOf(i) as Buffer)) await once(writer, 'drain');
  }
}

describe('event-loop fairness under a flood', function () {
  this.timeout(60000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('stream: 32 MiB through a Unix stream pair', async () => {
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    const total = 32 * 1024 * 1024;
    let got = 0;
    const done = new Promise<void>((resolve) => {
      b.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= total) resolve();
      });
    });
    const gaps = timerGaps();
    const chunk = Buffer.alloc(64 * 1024, 3);
    await flood(a, total / chunk.length, () => chunk);
    await done;
    const longest = gaps.stop();
    expect(got).to.equal(total);
    expect(longest, 'longest timer gap (ms)').to.be.below(MAX_GAP_MS);
  });

  it('datagram: 3000 queued UDP datagrams to a consumer spending 0.3 ms on each', async () => {
    const receiver = cleanup.add((await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 })));
    receiver.setOption('receiveBuffer', 4 * 1024 * 1024);
    const sender = cleanup.add((await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: receiver.localPort! })));
    // Queued in the kernel first (what the kernel keeps of them), so the measure is the
    // receiver's alone: how much it hands over per wakeup.
    receiver.pause();
    const payload = Buffer.alloc(200, 1);
    for (let i = 0; i < 3000; i++) await sender.sendTo(payload);
    let got = 0;
    const gaps = timerGaps();
    receiver.on('data', () => {
      got++;
      busy(0.3);
    });
    receiver.resume();
    let seen = -1;
    while (seen !== got) {
      seen = got;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const longest = gaps.stop();
    expect(got).to.be.above(64);
    expect(longest, 'longest timer gap (ms)').to.be.below(MAX_GAP_MS);
  });

  it('seqpacket: 3000 records to a consumer spending 0.3 ms on each', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    let got = 0;
    const done = new Promise<void>((resolve) => {
      b.on('data', () => {
        busy(0.3);
        if (++got === 3000) resolve();
      });
    });
    const gaps = timerGaps();
    const payload = Buffer.alloc(200, 2);
    await flood(a, 3000, () => payload);
    await done;
    const longest = gaps.stop();
    expect(longest, 'longest timer gap (ms)').to.be.below(MAX_GAP_MS);
  });

  it('fd passing: 300 fds, each after 4 KiB of plain bytes to skip', async () => {
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    const gaps = timerGaps();
    const filler = Buffer.alloc(4096, 4);
    const sending = (async () => {
      for (let i = 0; i < 300; i++) {
        await a.sendTo(filler);
        await a.sendFileDescriptor(0);
      }
    })();
    for (let i = 0; i < 300; i++) closeSync(await b.receiveFileDescriptor());
    await sending;
    const longest = gaps.stop();
    expect(longest, 'longest timer gap (ms)').to.be.below(MAX_GAP_MS);
  });
});
