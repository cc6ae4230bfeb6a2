import { expect } from 'chai';
import { makeSocket } from '../../lib/sockets/index.js';
import { KindsCleanup, kindsPath, readMessages } from '../helpers/kinds.js';
import { loopThreadCpu } from '../helpers/cpu.js';

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
});
