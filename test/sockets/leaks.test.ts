/**
 * No fd leaks: thousands of open/close cycles of every common shape, failed connects and
 * failed binds included, leave /proc/self/fd as it was.
 */
import { expect } from 'chai';
import {
  PollTimeoutError,
  SocketClosedError,
  SocketAddressInUseError,
  SocketConnectionRefusedError,
  makeSocket,
  
  
} from '../../lib/sockets/index.js';
import { Cleanup, fdCount, freePort, hangingPort, iolibServer, rejectsWith } from '../helpers/sockets.js';

/** Runs `n` cycles of `cycle`, `batch` at a time. */
async function cycles(n: number, batch: number, cycle: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => cycle(i + k)));
  }
}

describe('sockets: no fd leaks', function () {
  this.timeout(20000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('2000 connect / accept / exchange / close cycles, plus 500 refused connects, leave no fd behind', async function () {
    const server = await iolibServer(cleanup);
    const refusedPort = await freePort();
    const before = fdCount();
    const started = Date.now();
    await cycles(2000, 50, async (i) => {
      const accepting = server.acceptConnection();
      const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! });
      const conn = (await accepting)!;
      client.write(`ping ${i}`);
      const r = (await conn.receiveFrom({ size: 16 }))!;
      expect(r.bytes).to.be.greaterThan(0);
      // Alternate the ways of closing.
      if (i % 3 === 0) await Promise.all([client.close(), conn.close()]);
      else if (i % 3 === 1) await Promise.all([client.close({ abort: true }), conn.close({ abort: true })]);
      else {
        await client[Symbol.asyncDispose]();
        await conn.close();
      }
    });
    await cycles(500, 50, async () => {
      await rejectsWith(makeSocket({ remoteHost: '127.0.0.1', remotePort: refusedPort }), SocketConnectionRefusedError);
    });
    const after = fdCount();
    expect(after, `fds before ${before}, after ${after}`).to.be.at.most(before);
    expect(Date.now() - started).to.be.below(15000);
  });

  it('200 connects that time out and 200 that are aborted leave no fd behind', async function () {
    const port = await hangingPort(cleanup);
    const before = fdCount();
    await cycles(200, 50, async () => {
      await rejectsWith(makeSocket({ remoteHost: '127.0.0.1', remotePort: port, timeout: 10 }), PollTimeoutError);
    });
    await cycles(200, 50, async (i) => {
      const ac = new AbortController();
      const making = makeSocket({ remoteHost: '127.0.0.1', remotePort: port, signal: ac.signal });
      if (i % 2) ac.abort();
      else setImmediate(() => ac.abort());
      const err = await rejectsWith(making, Error);
      expect(err.name).to.equal('AbortError');
    });
    // connect() on a socket the caller made, closed while pending
    await cycles(200, 50, async () => {
      const s = await makeSocket({});
      const connecting = s.connect('127.0.0.1', { port }).catch((e: Error) => e);
      await s.close();
      expect(await connecting).to.be.instanceOf(SocketClosedError);
    });
    expect(fdCount()).to.be.at.most(before);
  });

  it('2000 passive sockets made and closed, and failed binds, leave no fd behind', async function () {
    const taken = await iolibServer(cleanup);
    const before = fdCount();
    await cycles(2000, 100, async (i) => {
      if (i % 4 === 0) {
        await rejectsWith(makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: taken.localPort!, reuseAddress: false }), SocketAddressInUseError);
        return;
      }
      const s = await makeSocket({ connect: 'passive', localHost: '127.0.0.1' });
      if (i % 4 === 1) {
        // a pending accept settled by the close
        const pending = s.acceptConnection().catch(() => null);
        await s.close();
        await pending;
      } else {
        await s.close();
      }
    });
    expect(fdCount()).to.be.at.most(before);
  });

  it('2000 unconnected active sockets (bound or not), closed, and rejected option sets, leave no fd behind', async function () {
    const before = fdCount();
    await cycles(2000, 100, async (i) => {
      if (i % 5 === 0) {
        await makeSocket({ remoteHost: '127.0.0.1', remotePort: 70000 }).then(
          () => expect.fail('should reject'),
          () => undefined,
        );
        return;
      }
      const s = await makeSocket(i % 2 ? { localHost: '127.0.0.1' } : {});
      await s.close();
    });
    expect(fdCount()).to.be.at.most(before);
  });
});
