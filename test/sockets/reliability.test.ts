/**
 * Regressions of the fault campaign (issue 16): each test reproduces one fault that could take
 * the process down, freeze the event loop or leave state behind.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeSocket, makeSocketPair, SocketDescriptorLimitError, SocketError,
} from '../../lib/sockets/index.js';
import { failure } from '../../lib/sockets/syscall.js';
import { Cleanup } from '../helpers/sockets.js';
import { timerGaps } from '../helpers/timer-gaps.js';
import { emfileProbe, resettingPeer, workerTerminateProbe } from '../helpers/probes.js';
import { requireShellChildren } from '../helpers/processes.js';
import { loopTurn, pythonOk, requirePython, startPython } from '../helpers/kinds.js';


/** A flag set by a zero-delay timer: whether the event loop ran timers since. */
function timerProbe(): { fired: boolean } {
  const probe = { fired: false };
  setTimeout(() => (probe.fired = true), 0);
  return probe;
}

describe('reliability (issue 16 regressions)', function () {
  this.timeout(60000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('1. terminating workers inside native calls never aborts the process', async function () {
    requireShellChildren(this);
    // Each worker loops over native calls that build JS values (getpeername, recvfrom,
    // sendmmsg batches, accept then open); the parent terminates it at a random moment.
    const r = await workerTerminateProbe(120);
    expect(r.stderr, 'no fatal error').to.not.match(/FATAL ERROR|Aborted/);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('survived');
  });

  it('2. inputBufferSize beyond 2^24 is a RangeError; 2^24 on a datagram socket does not pin a scratch of 64 of them', async () => {
    for (const size of [2 ** 30, 2 ** 24 + 1]) {
      let err: unknown;
      try {
        makeSocketPair({ type: 'datagram', inputBufferSize: size });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(RangeError);
      expect((err as { code: string }).code).to.equal('ERR_OUT_OF_RANGE');
    }
    const before = process.memoryUsage().rss;
    const receiver = cleanup.add((await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0, inputBufferSize: 2 ** 24 })));
    const sender = cleanup.add((await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: receiver.localPort! })));
    sender.write(Buffer.alloc(1000, 7));
    const [msg] = (await once(receiver, 'data')) as [{ data: Buffer }];
    expect(msg.data.length).to.equal(1000);
    // Before: 64 x 16 MiB zero-filled and kept (1 GiB); now one message's room, freed after.
    expect(process.memoryUsage().rss - before).to.be.below(256 * 1024 * 1024);
  });

  it('3. receiveFileDescriptor skipping plain bytes lets timers run', async function () {
    await requirePython(this);
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    // A peer sends 4 MiB of plain bytes, then an fd: before, one recvmsg per byte on
    // microtasks alone held the loop for seconds.
    const peer = startPython([
      'import socket, array',
      's = socket.socket(fileno=3)',
      's.setblocking(True)',
      's.sendall(b"x" * (4 << 20))',
      's.sendmsg([b"f"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0]))])',
    ].join('\n'), [], [a.fd]);
    await a.close();
    const gaps = timerGaps();
    const fd = await b.receiveFileDescriptor();
    const longest = gaps.stop();
    pythonOk(await peer.done);
    closeSync(fd);
    expect(longest, 'longest timer gap (ms) while bytes were skipped').to.be.below(250);
  });

  it('4. out of fds, `for await` over a listener with no listeners attached pauses (no spin) and serves every connection later', async function () {
    requireShellChildren(this);
    const result = await emfileProbe(40, 48);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.pausedError).to.equal('SocketDescriptorLimitError EMFILE');
    // A spinning retry uses a whole core; paused on a timer it is next to nothing.
    expect(result.cpu).to.be.below(30);
    expect(result.answered).to.be.at.least(result.served);
    expect(result.served).to.be.at.least(1);
  });

  it('4b. EMFILE and ENFILE are SocketDescriptorLimitError', () => {
    expect(failure(-24, 'accept')).to.be.instanceOf(SocketDescriptorLimitError);
    expect(failure(-23, 'accept')).to.be.instanceOf(SocketDescriptorLimitError);
  });

  it('5. a receiveFrom loop over queued data lets timers run', async () => {
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    const queued = await a.sendTo(Buffer.alloc(100 * 1024, 2), { dontWait: true });
    const probe = timerProbe();
    let got = 0;
    while (got < queued && !probe.fired) {
      const r = await b.receiveFrom({ size: 16 });
      got += r!.bytes;
    }
    expect(probe.fired, 'a timer ran while the loop received').to.equal(true);
    expect(got).to.be.below(queued);
  });

  it('6. a datagram stream hands over a bounded number of messages per wakeup', async () => {
    const receiver = cleanup.add((await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 })));
    receiver.setOption('receiveBuffer', 4 * 1024 * 1024);
    const sender = cleanup.add((await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: receiver.localPort! })));
    let count = 0;
    receiver.on('data', () => count++);
    await loopTurn();
    // sendTo completes on microtasks: all 150 are queued before the receiver's next wakeup.
    for (let i = 0; i < 150; i++) await sender.sendTo(Buffer.from([i]));
    await loopTurn();
    const firstTurn = count;
    await loopTurn();
    expect(firstTurn, 'messages in the first wakeup').to.be.within(1, 64);
  });

  it('7. argument errors are coded whatever the value', async () => {
    const [a, b] = makeSocketPair({ type: 'stream' });
    cleanup.add(a);
    cleanup.add(b);
    const odd = [Object.create(null), Symbol('s'), [Symbol('t')], 10n, () => 1];
    for (const v of odd) {
      for (const call of [
        () => b.receiveFrom({ size: v }),
        () => a.sendTo(Buffer.alloc(4), { start: v }),
        () => a.sendTo(Buffer.alloc(4), { end: v }),
        () => a.sendMessage({ fds: [v] }),
        () => makeSocket({ addressFamily: v }),
      ]) {
        let err: unknown;
        try {
          await call();
        } catch (e) {
          err = e;
        }
        expect(err, String(typeof v)).to.be.instanceOf(Error);
        expect((err as { code?: string }).code, `${(err as Error).message}`).to.match(/^ERR_/);
      }
    }
  });

  it('8. a filesystem localFilename holding NUL is refused, nothing is bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iolib-nul-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: join(dir, 'a\0b') }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TypeError);
    expect((err as { code: string }).code).to.equal('ERR_INVALID_ARG_VALUE');
    expect(existsSync(join(dir, 'a'))).to.equal(false);
  });

  it('9. a peer that accepts and resets at once: makeSocket resolves, the reset is a read error', async () => {
    const { server, port } = await resettingPeer();
    cleanup.add(server);
    for (let i = 0; i < 60; i++) {
      const s = (await makeSocket({ remoteHost: '127.0.0.1', remotePort: port }));
      cleanup.add(s);
      const ended = await new Promise<string>((resolve) => {
        s.on('error', (e: SocketError) => resolve(`${e.code}`));
        s.on('end', () => resolve('end'));
        s.resume();
      });
      expect(['ECONNRESET', 'end'], `connection ${i}`).to.include(ended);
    }
  });

  it('10. an active local socket bound with localFilename removes its file on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iolib-own-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'dgram');
    for (let i = 0; i < 2; i++) {
      const s = (await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: path }));
      expect(existsSync(path)).to.equal(true);
      await s.close();
      expect(existsSync(path), 'file removed').to.equal(false);
    }
  });
});
