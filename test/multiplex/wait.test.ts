import { readSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import {
  AbortError, Poller, PollTimeoutError, SocketClosedError, SyscallError, isFdReady, waitUntilFdReady,
} from '../../lib/multiplex/index.js';
import { makeSocketPair } from '../../lib/sockets/index.js';
import { cleanupEachTest, fdCount, later, makeFifo, makeFifoRdwr } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => null, (e: unknown) => e);
}

describe('multiplex: waitUntilFdReady and isFdReady', () => {
  const cleanup = cleanupEachTest();

  describe('waitUntilFdReady', () => {
    it('resolves when data arrives, with only the requested side', async () => {
      const { r, w } = makeFifo(cleanup);
      later(10, () => writeSync(w, 'x'));
      expect(await waitUntilFdReady(r, 'read', { timeout: 5000 })).to.deep.equal({ read: true, write: false });
    });

    it('resolves at once for a writable fd; readOrWrite reports both sides', async () => {
      const fd = makeFifoRdwr(cleanup);
      expect(await waitUntilFdReady(fd, 'write')).to.deep.equal({ read: false, write: true });
      expect(await waitUntilFdReady(fd, 'readOrWrite')).to.deep.equal({ read: false, write: true });
      writeSync(fd, 'x');
      expect(await waitUntilFdReady(fd, 'readOrWrite')).to.deep.equal({ read: true, write: true });
    });

    it('a loop of waits on an fd that stays ready lets timers run (each answer comes from the event loop)', async () => {
      const fd = makeFifoRdwr(cleanup);
      let fired = false;
      setTimeout(() => (fired = true), 5);
      let waits = 0;
      // Bounded, so that a starved loop fails the test instead of hanging it.
      while (!fired && waits < 200_000) {
        await waitUntilFdReady(fd, 'write');
        waits++;
      }
      expect(fired).to.equal(true);
      let timedOut = 0;
      fired = false;
      setTimeout(() => (fired = true), 5);
      while (!fired && timedOut < 200_000) {
        await waitUntilFdReady(fd, 'read', { timeout: 0 }).catch(() => timedOut++);
      }
      expect(fired).to.equal(true);
    });

    it('rejects with PollTimeoutError when nothing comes in time (0: without waiting)', async () => {
      const { r } = makeFifo(cleanup);
      const t0 = performance.now();
      const err = await rejection(waitUntilFdReady(r, 'read', { timeout: 40 }));
      expect(performance.now() - t0).to.be.at.least(35);
      expect(err).to.be.instanceOf(PollTimeoutError).and.include({ code: 'ETIMEDOUT', timeout: 40, event: 'read' });
      expect(await rejection(waitUntilFdReady(r, 'read', { timeout: 0 }))).to.be.instanceOf(PollTimeoutError);
    });

    it("a timeout beyond Node's timer range (2^31 ms and more) still waits, with no TimeoutOverflowWarning", async () => {
      const { r, w } = makeFifo(cleanup);
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        later(30, () => writeSync(w, 'x'));
        for (const timeout of [2 ** 31, 2 ** 53]) {
          expect(await waitUntilFdReady(r, 'read', { timeout }), String(timeout)).to.deep.equal({ read: true, write: false });
        }
        readSync(r, Buffer.alloc(1));
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings).to.deep.equal([]);
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('rejects with AbortError (cause: the reason); an aborted signal rejects at once', async () => {
      const { r } = makeFifo(cleanup);
      const ac = new AbortController();
      later(10, () => ac.abort('enough'));
      const err = await rejection(waitUntilFdReady(r, 'read', { signal: ac.signal }));
      expect(err).to.be.instanceOf(AbortError).and.include({ code: 'ABORT_ERR', cause: 'enough' });
      expect(await rejection(waitUntilFdReady(r, 'read', { signal: ac.signal }))).to.be.instanceOf(AbortError);
    });

    it('an error or hang-up counts as ready (the next operation will not block)', async () => {
      const { r, w } = makeFifo(cleanup);
      later(10, () => cleanup.closeFd(w));
      expect(await waitUntilFdReady(r, 'read', { timeout: 5000 })).to.deep.equal({ read: true, write: false });
      expect(readSync(r, Buffer.alloc(4))).to.equal(0);
    });

    it('rejects with SyscallError EBADF for an fd that is not open or is closed while waiting', async () => {
      const { w } = makeFifo(cleanup);
      cleanup.closeFd(w);
      const err = await rejection(waitUntilFdReady(w, 'write'));
      expect(err).to.be.instanceOf(SyscallError).and.include({ code: 'EBADF' });
      const fd = makeFifoRdwr(cleanup);
      const pending = waitUntilFdReady(fd, 'read', { timeout: 5000 });
      cleanup.closeFd(fd);
      expect(await rejection(pending)).to.be.instanceOf(SyscallError).and.include({ code: 'EBADF' });
    });

    it('shares the watcher: waits alongside a Poller registration and each other', async () => {
      const fd = makeFifoRdwr(cleanup);
      const poller = cleanup.add(new Poller()).register(fd);
      const polled = poller.poll({ timeout: 5000 });
      const a = waitUntilFdReady(fd, 'read', { timeout: 5000 });
      const b = waitUntilFdReady(fd, 'read', { timeout: 5000 });
      later(10, () => writeSync(fd, 'x'));
      expect(await a).to.deep.equal({ read: true, write: false });
      expect(await b).to.deep.equal({ read: true, write: false });
      expect(await polled).to.have.length(1);
    });

    it('waits on a socket; a socket closed while waiting rejects with SocketClosedError', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      later(10, () => a.write(Buffer.from('x')));
      expect(await waitUntilFdReady(b, 'read', { timeout: 5000 })).to.deep.equal({ read: true, write: false });
      const [c, d] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([c.close(), d.close()]) });
      const pending = waitUntilFdReady(d, 'read', { timeout: 5000 });
      await d.close();
      expect(await rejection(pending)).to.be.instanceOf(SocketClosedError);
      expect(await rejection(waitUntilFdReady(d, 'read'))).to.be.instanceOf(SocketClosedError);
    });

    it('bad arguments reject (never throw)', async () => {
      const fd = makeFifoRdwr(cleanup);
      const cases: [unknown, unknown, unknown, string][] = [
        [-1, 'read', {}, 'ERR_OUT_OF_RANGE'],
        ['1', 'read', {}, 'ERR_INVALID_ARG_TYPE'],
        [fd, 'except', {}, 'ERR_INVALID_ARG_VALUE'],
        [fd, 'read', { timeout: -1 }, 'ERR_OUT_OF_RANGE'],
        [fd, 'read', { signal: 'x' }, 'ERR_INVALID_ARG_TYPE'],
      ];
      for (const [target, event, options, code] of cases) {
        let p: Promise<unknown> | undefined;
        expect(() => (p = waitUntilFdReady(target as never, event as never, options as never))).to.not.throw();
        expect(await rejection(p!)).to.have.property('code', code);
      }
    });

    it('leaves no fd and no watcher behind', async () => {
      const fd = makeFifoRdwr(cleanup);
      const before = fdCount();
      for (let i = 0; i < 30; i++) {
        await rejection(waitUntilFdReady(fd, 'read', { timeout: i % 3 }));
        await waitUntilFdReady(fd, 'write');
      }
      expect(fdCount()).to.equal(before);
    });
  });

  describe('isFdReady', () => {
    it('tells readiness now, never waiting', () => {
      const { r, w } = makeFifo(cleanup);
      expect(isFdReady(r)).to.equal(false);
      expect(isFdReady(r, 'read')).to.equal(false);
      expect(isFdReady(w, 'write')).to.equal(true);
      expect(isFdReady(w, 'readOrWrite')).to.equal(true);
      writeSync(w, 'x');
      expect(isFdReady(r, 'read')).to.equal(true);
    });

    it('works on sockets', async () => {
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      expect(isFdReady(b, 'read')).to.equal(false);
      expect(isFdReady(b, 'write')).to.equal(true);
      await b.close();
      expect(() => isFdReady(b)).to.throw(SocketClosedError);
    });

    it('throws EBADF for an fd that is not open, Node codes for bad arguments', () => {
      const { r } = makeFifo(cleanup);
      cleanup.closeFd(r);
      expect(() => isFdReady(r)).to.throw(SyscallError).with.property('code', 'EBADF');
      expect(() => isFdReady(-3)).to.throw(RangeError);
      expect(() => isFdReady(0, 'sideways' as never)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
    });
  });
});
