import { expect } from 'chai';
import { PollTimeoutError, SocketClosedError, SocketDatagramLocalActive, makeSocket } from '../../lib/sockets/index.js';
import { KindsCleanup, kindsPath, readMessages } from '../helpers/kinds.js';
import { loopThreadCpu } from '../helpers/cpu.js';
import { asInstance } from '../helpers/sockets.js';

describe('local datagrams to a full peer', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  it('wait without spinning, then deliver every message in order once the peer reads', async () => {
    const path = cleanup.path(kindsPath('backoff'));
    const receiver = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
    const sender = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram' }));
    // Unconnected: the kernel reports the sender writable even while the receiver's queue is full.
    const count = 2000;
    let done = 0;
    for (let i = 0; i < count; i++) {
      sender.write({ data: Buffer.from(`message ${i}`), filename: path }, () => done++);
    }
    // Let the sender fill the receiver's queue and stall, then measure its CPU use while stalled.
    await new Promise((r) => setTimeout(r, 50));
    expect(done).to.be.below(count, 'the receiver queue should have filled up');
    const cpu = loopThreadCpu();
    const start = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const used = cpu.stop();
    const elapsed = performance.now() - start;
    expect(used).to.be.below(elapsed * 0.5, 'a stalled sender must not spin');
    const got = await readMessages(receiver, count);
    expect(got.map((m) => m.data.toString())).to.deep.equal(Array.from({ length: count }, (_, i) => `message ${i}`));
  });

  for (const call of ['sendTo', 'sendMessage'] as const) {
    it(`${call} to it waits without spinning, within its timeout, and sends once the peer reads`, async () => {
      const path = cleanup.path(kindsPath(`backoff-${call}`));
      const receiver = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
      const sender = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', type: 'datagram' }), SocketDatagramLocalActive));
      const send = (i: number, options: { timeout?: number; dontWait?: boolean }) =>
        call === 'sendTo'
          ? sender.sendTo(Buffer.from(`message ${i}`), { remoteFilename: path, ...options })
          : sender.sendMessage({ data: `message ${i}`, remoteFilename: path, ...(options.timeout ? { timeout: options.timeout } : {}) });
      // Fill the receiver's queue (net.unix.max_dgram_qlen datagrams).
      let queued = 0;
      for (;;) {
        try {
          await sender.sendTo(Buffer.from(`message ${queued}`), { remoteFilename: path, dontWait: true });
          queued++;
        } catch (err) {
          expect(err).to.have.property('code', 'EAGAIN');
          break;
        }
      }
      const cpu = loopThreadCpu();
      const start = performance.now();
      let failed: unknown;
      try {
        await send(queued, { timeout: 300 });
      } catch (err) {
        failed = err;
      }
      const elapsed = performance.now() - start;
      expect(failed).to.be.instanceOf(PollTimeoutError);
      expect(elapsed).to.be.at.least(290).and.below(2000);
      expect(cpu.stop()).to.be.below(elapsed * 0.5, 'a sender waiting for room must not spin');
      // Without a timeout it waits until the receiver makes room, then sends.
      const sending = send(queued, {});
      const got = await readMessages(receiver, queued + 1);
      await sending;
      expect(got.map((m) => m.data.toString())).to.deep.equal(Array.from({ length: queued + 1 }, (_, i) => `message ${i}`));
    });
  }

  /** A receiver at `path` whose queue the sender has filled (net.unix.max_dgram_qlen datagrams): their number. */
  async function fillQueue(sender: SocketDatagramLocalActive, path: string): Promise<number> {
    for (let queued = 0; ; queued++) {
      try {
        await sender.sendTo(Buffer.from(`message ${queued}`), { remoteFilename: path, dontWait: true });
      } catch (err) {
        expect(err).to.have.property('code', 'EAGAIN');
        return queued;
      }
    }
  }

  it('sendTo and sendMessage calls made one after another while it is full keep their call order', async () => {
    const path = cleanup.path(kindsPath('backoff-order'));
    const receiver = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
    const sender = cleanup.add(asInstance(await makeSocket({ addressFamily: 'local', type: 'datagram' }), SocketDatagramLocalActive));
    const queued = await fillQueue(sender, path);
    const total = queued + 60;
    const sends: Promise<number>[] = [];
    for (let i = queued; i < total; i++) {
      const data = `message ${i}`;
      sends.push(i % 3 === 0 ? sender.sendMessage({ data, remoteFilename: path }) : sender.sendTo(Buffer.from(data), { remoteFilename: path }));
    }
    const got = await readMessages(receiver, total);
    await Promise.all(sends);
    expect(got.map((m) => m.data.toString())).to.deep.equal(Array.from({ length: total }, (_, i) => `message ${i}`));
  });

  it('close() fails the sends waiting for room with SocketClosedError at once, not at their next try', async () => {
    const path = cleanup.path(kindsPath('backoff-close'));
    cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
    const sender = asInstance(await makeSocket({ addressFamily: 'local', type: 'datagram' }), SocketDatagramLocalActive);
    await fillQueue(sender, path);
    const settled: unknown[] = [];
    const sends = [
      sender.sendTo(Buffer.from('waits'), { remoteFilename: path }),
      sender.sendMessage({ data: 'waits behind it', remoteFilename: path }),
    ].map((p) => p.then((v) => settled.push(v), (err) => settled.push(err)));
    // Long enough for the first to back off to its longest pause.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sender.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).to.have.length(2);
    for (const err of settled) expect(err).to.be.instanceOf(SocketClosedError);
    await Promise.all(sends);
  });
});
