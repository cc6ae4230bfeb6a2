/**
 * Issue 4: no fd leaks over thousands of pairs, local connections, passed fds, adoptions and
 * failed makes. Counts /proc/self/fd before and after each run (after a warm-up round, so fds
 * node opens lazily are already there).
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import {
  makeSocket,
  makeSocketPair,
  makeSocketFromFd,
  
  
  
  
  
} from '../../lib/sockets/index.js';
import { KindsCleanup, kindsPath, openFdCount, nextMessage, loopTurn } from '../helpers/kinds.js';

/** Runs `round` once to warm up, then `times` more, and expects the fd count unchanged. */
async function noLeak(times: number, round: (i: number) => Promise<void>): Promise<void> {
  await round(-1);
  await loopTurn();
  const before = openFdCount();
  for (let i = 0; i < times; i++) await round(i);
  await loopTurn();
  const after = openFdCount();
  expect(after, `fds before ${before}, after ${after} rounds: ${after}`).to.equal(before);
}

describe('sockets-kinds: no fd leaks', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  for (const type of ['stream', 'datagram', 'seqpacket'] as const) {
    it(`3000 ${type} pairs made and closed`, async () => {
      await noLeak(30, async () => {
        const made = [];
        for (let k = 0; k < 100; k++) made.push(...makeSocketPair({ type }));
        await Promise.all(made.map((s) => s.close()));
        expect(made.every((s) => s.fd === -1)).to.equal(true);
      });
    });
  }

  it('1000 seqpacket pairs that each carried a message (watchers started) and were closed', async () => {
    await noLeak(1000, async (i) => {
      const [a, b] = makeSocketPair({ type: 'seqpacket' });
      a.write(Buffer.from(`m${i}`));
      expect((await nextMessage(b)).data.toString()).to.equal(`m${i}`);
      await Promise.all([a.close(), b.close()]);
    });
  });

  it('1000 UDP sockets bound, used and closed', async () => {
    const sink = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
    await noLeak(1000, async () => {
      const s = await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 });
      s.write({ data: Buffer.from('x'), host: '127.0.0.1', port: sink.localPort });
      await nextMessage(sink);
      await s.close();
    });
  });

  it('500 local listeners with a connection each: fds and socket files all gone', async () => {
    const paths: string[] = [];
    await noLeak(500, async () => {
      const path = kindsPath('leak');
      paths.push(path);
      cleanup.path(path);
      const server = await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path });
      const accepting = server.acceptConnection({ timeout: 5000 });
      const client = await makeSocket({ addressFamily: 'local', remoteFilename: path });
      const conn = (await accepting)!;
      await Promise.all([client.close(), conn.close(), server.close()]);
    });
    expect(paths.filter((p) => existsSync(p))).to.deep.equal([]);
  });

  it('1000 messages of 4 fds each received with maxFds 1: only the kept fd is new, and closing it restores the count', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    const [x, y] = makeSocketPair();
    cleanup.add(x);
    cleanup.add(y);
    const { closeSync } = await import('node:fs');
    await noLeak(1000, async () => {
      await a.sendMessage({ data: 'fds', fds: [x, y, x, y] });
      const msg = (await b.receiveMessage({ maxFds: 1, timeout: 5000 }))!;
      expect(msg.fds).to.have.length(1);
      expect(msg.truncated).to.equal(true);
      closeSync(msg.fds[0]!);
    });
  });

  it('1000 fds sent to a socket read as a message stream (fds not asked for) leave nothing open', async () => {
    const [a, b] = makeSocketPair({ type: 'datagram' });
    cleanup.add(a);
    cleanup.add(b);
    const [x, y] = makeSocketPair();
    cleanup.add(x);
    cleanup.add(y);
    await noLeak(500, async (i) => {
      await a.sendMessage({ data: `m${i}`, fds: [x, y] });
      expect((await nextMessage(b)).data.toString()).to.equal(`m${i}`);
    });
  });

  it('500 fds adopted with makeSocketFromFd and closed', async () => {
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    const [p, q] = makeSocketPair({ type: 'datagram' });
    cleanup.add(p);
    cleanup.add(q);
    const la = a;
    const lb = b;
    await noLeak(500, async () => {
      await la.sendFileDescriptor(p);
      const s = makeSocketFromFd(await lb.receiveFileDescriptor({ timeout: 5000 }));
      await s.close();
    });
  });

  it('1000 failed makes (connect to a missing path, bind to a path in use) leave nothing open', async () => {
    const busy = cleanup.path(kindsPath('busy'));
    cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: busy }));
    const missing = kindsPath('missing');
    await noLeak(500, async () => {
      for (const options of [
        { addressFamily: 'local' as const, remoteFilename: missing },
        { addressFamily: 'local' as const, connect: 'passive' as const, localFilename: busy },
      ]) {
        let failed = false;
        try {
          await makeSocket(options);
        } catch {
          failed = true;
        }
        expect(failed).to.equal(true);
      }
    });
  });
});
