import { constants, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import {
  AbortError, EventBase, Poller, PollerClosedError, SocketClosedError, SyscallError, type PollEvent,
} from '../../lib/multiplex/index.js';
import { makeSocketPair } from '../../lib/sockets/index.js';
import { cleanupEachTest, fdCount, later, makeFifo, makeFifoRdwr } from './helpers.js';
import { loopThreadCpu } from '../helpers/cpu.js';
import { gc, collectUntil } from '../helpers/collect.js';



const quiet = { error: false, hangup: false };

function drain(fd: number): void {
  const buf = Buffer.alloc(65536);
  for (;;) {
    try {
      if (readSync(fd, buf) <= 0) return;
    } catch {
      return;
    }
  }
}

/** Writes until the pipe is full (EAGAIN). */
function fill(fd: number): void {
  const buf = Buffer.alloc(65536, 1);
  for (;;) {
    try {
      writeSync(fd, buf);
    } catch {
      return;
    }
  }
}

describe('multiplex: Poller', () => {
  const cleanup = cleanupEachTest();

  describe('readiness', () => {
    it('a loop of polls on an fd that stays ready lets timers run (each answer comes from the event loop)', async () => {
      const { w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller());
      poller.register(w, { write: true });
      let fired = false;
      setTimeout(() => (fired = true), 5);
      let polls = 0;
      // Bounded, so that a starved loop fails the test instead of hanging it.
      while (!fired && polls < 200_000) {
        expect(await poller.poll()).to.have.length(1);
        polls++;
      }
      expect(fired).to.equal(true);
    });

    it('with nothing registered and no timeout, poll answers [] at once: nothing could end the wait', async () => {
      const poller = cleanup.add(new Poller());
      expect(await poller.poll()).to.deep.equal([]);
    });

    it('a poll answered at once rejects with PollerClosedError when the poller closes before the answer', async () => {
      const { w } = makeFifo(cleanup);
      const poller = new Poller();
      poller.register(w, { write: true });
      const answer = poller.poll({ timeout: 0 });
      poller.close();
      let err: unknown;
      await answer.catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(PollerClosedError);
    });

    it('reports nothing when no data is there, and honours the timeout', async () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r, { read: true });
      const t0 = performance.now();
      expect(await poller.poll({ timeout: 60 })).to.deep.equal([]);
      expect(performance.now() - t0).to.be.at.least(55).and.below(1000);
    });

    it('checks without waiting when the timeout is 0', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([]);
      writeSync(w, 'x');
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([{ fd: r, target: r, read: true, write: false, ...quiet }]);
    });

    it('reports read exactly while data is there (level-triggered)', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r, { read: true });
      writeSync(w, 'hello');
      const expected: PollEvent[] = [{ fd: r, target: r, read: true, write: false, ...quiet }];
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal(expected);
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal(expected, 'still ready: reported again');
      drain(r);
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
    });

    it('wakes a waiting poll when data arrives', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      later(30, () => writeSync(w, 'x'));
      const t0 = performance.now();
      const events = await poller.poll({ timeout: 5000 });
      expect(performance.now() - t0).to.be.below(2000);
      expect(events).to.deep.equal([{ fd: r, target: r, read: true, write: false, ...quiet }]);
    });

    it('reports write while the pipe has room, and again once it is drained', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(w, { write: true });
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([{ fd: w, target: w, read: false, write: true, ...quiet }]);
      fill(w);
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
      later(10, () => drain(r));
      expect(await poller.poll({ timeout: 5000 })).to.deep.equal([{ fd: w, target: w, read: false, write: true, ...quiet }]);
    });

    it('reports every ready registration together, in registration order', async () => {
      const a = makeFifo(cleanup);
      const b = makeFifo(cleanup);
      const c = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(c.r).register(a.r).register(b.r).register(b.w, { write: true });
      writeSync(a.w, 'a');
      writeSync(c.w, 'c');
      const events = await poller.poll({ timeout: 1000 });
      expect(events.map((e) => [e.fd, e.read, e.write])).to.deep.equal([[c.r, true, false], [a.r, true, false], [b.w, false, true]]);
    });

    it('reports both read and write for one fd with both interests', async () => {
      const fd = makeFifoRdwr(cleanup);
      const poller = cleanup.add(new Poller()).register(fd, { read: true, write: true });
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([{ fd, target: fd, read: false, write: true, ...quiet }]);
      writeSync(fd, 'x');
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([{ fd, target: fd, read: true, write: true, ...quiet }]);
    });

    it('reports a tty (a pty master) as writable', async function () {
      if (!existsSync('/dev/ptmx')) this.skip();
      const fd = cleanup.fd(openSync('/dev/ptmx', constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK));
      const poller = cleanup.add(new Poller()).register(fd, { write: true });
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal([{ fd, target: fd, read: false, write: true, ...quiet }]);
    });

    it('reports a regular file as always ready, as poll(2) does', async () => {
      const fd = cleanup.fd(openSync(new URL(import.meta.url), 'r'));
      const poller = cleanup.add(new Poller()).register(fd, { read: true, write: true });
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal([{ fd, target: fd, read: true, write: true, ...quiet }]);
    });
  });

  describe('modify and unregister', () => {
    it('modify replaces the interest at once', async () => {
      const fd = makeFifoRdwr(cleanup);
      writeSync(fd, 'x');
      const poller = cleanup.add(new Poller()).register(fd, { read: true });
      expect((await poller.poll({ timeout: 0 }))[0]).to.include({ read: true, write: false });
      poller.modify(fd, { write: true });
      expect((await poller.poll({ timeout: 0 }))[0]).to.include({ read: false, write: true });
      poller.modify(fd, { read: false });
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
    });

    it('modify applies to a poll that is waiting', async () => {
      const { r, w } = makeFifo(cleanup);
      writeSync(w, 'x');
      const poller = cleanup.add(new Poller()).register(r, { read: false });
      const pending = poller.poll({ timeout: 5000 });
      later(10, () => poller.modify(r, { read: true }));
      expect(await pending).to.deep.equal([{ fd: r, target: r, read: true, write: false, ...quiet }]);
    });

    it('a fd registered while a poll waits is watched by that poll', async () => {
      const a = makeFifo(cleanup);
      const b = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(a.r);
      const pending = poller.poll({ timeout: 5000 });
      poller.register(b.r);
      later(10, () => writeSync(b.w, 'x'));
      expect((await pending).map((e) => e.fd)).to.deep.equal([b.r]);
    });

    it('unregister takes effect at once, also on a waiting poll', async () => {
      const a = makeFifo(cleanup);
      const b = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(a.r).register(b.r);
      writeSync(a.w, 'x');
      poller.unregister(a.r);
      expect(poller.has(a.r)).to.equal(false);
      expect(poller.size).to.equal(1);
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
      const pending = poller.poll({ timeout: 5000 });
      poller.unregister(b.r);
      writeSync(b.w, 'x');
      poller.register(a.r);
      expect((await pending).map((e) => e.fd)).to.deep.equal([a.r]);
    });

    it('modify or unregister of an fd that is not registered is a TypeError', () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller());
      expect(() => poller.modify(r, { read: true })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => poller.unregister(r)).to.throw(TypeError, /not registered/);
    });
  });

  describe('hangup, errors and closed fds', () => {
    it('reports hangup on the read end when the writer closes', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      later(10, () => cleanup.closeFd(w));
      expect(await poller.poll({ timeout: 5000 })).to.deep.equal([{ fd: r, target: r, read: false, write: false, error: false, hangup: true }]);
    });

    it('reports error on the write end when the reader closes', async () => {
      const { r, w } = makeFifo(cleanup);
      fill(w);
      const poller = cleanup.add(new Poller()).register(w, { write: true });
      later(10, () => cleanup.closeFd(r));
      const [ev] = await poller.poll({ timeout: 5000 });
      expect(ev).to.include({ fd: w, error: true });
    });

    it('reports an fd closed before poll() as error and hangup, until it is unregistered', async () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      cleanup.closeFd(r);
      const gone = [{ fd: r, target: r, read: false, write: false, error: true, hangup: true }];
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal(gone);
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal(gone);
      poller.unregister(r);
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([]);
    });

    it('wakes a waiting poll when its fd is closed underneath, without a crash', async () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      const pending = poller.poll({ timeout: 5000 });
      cleanup.closeFd(r); // at once, before the event loop has even started the watcher
      const t0 = performance.now();
      expect(await pending).to.deep.equal([{ fd: r, target: r, read: false, write: false, error: true, hangup: true }]);
      expect(performance.now() - t0).to.be.below(1000);
    });

    it('notices an fd number closed and reused for another file', async () => {
      const a = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(a.r);
      cleanup.closeFd(a.r);
      const b = makeFifo(cleanup); // takes the lowest free number: a.r's
      expect(b.r).to.equal(a.r);
      expect(await poller.poll({ timeout: 1000 })).to.deep.equal([{ fd: a.r, target: a.r, read: false, write: false, error: true, hangup: true }]);
      // The number is free for a new registration elsewhere.
      const other = cleanup.add(new Poller()).register(b.r);
      writeSync(b.w, 'x');
      expect((await other.poll({ timeout: 1000 }))[0]).to.include({ fd: b.r, read: true, error: false });
    });

    it('never spins on a closed fd: a waiting poll with other fds stays idle', async () => {
      const a = makeFifo(cleanup);
      const b = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(a.r);
      const other = cleanup.add(new Poller()).register(b.r);
      cleanup.closeFd(a.r);
      expect((await poller.poll({ timeout: 100 }))[0]).to.include({ error: true });
      const cpu = loopThreadCpu();
      expect(await other.poll({ timeout: 200 })).to.deep.equal([]);
      expect(cpu.stop()).to.be.below(150);
    });
  });

  describe('sockets', () => {
    it('reports a socket readable exactly when its peer has written, sharing its watcher', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const poller = cleanup.add(new Poller()).register(b, { read: true });
      expect((b as unknown as { _observer: unknown })._observer).to.not.equal(null);
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
      later(10, () => a.write(Buffer.from('ping')));
      const events = await poller.poll({ timeout: 5000 });
      expect(events).to.have.length(1);
      expect(events[0]).to.deep.include({ fd: b.fd, read: true, write: false, ...quiet });
      expect(events[0]!.target).to.equal(b);
      poller.unregister(b);
      expect((b as unknown as { _observer: unknown })._observer).to.equal(null);
    });

    it('reports write readiness of a socket', async () => {
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const poller = cleanup.add(new Poller()).register(a, { write: true });
      expect((await poller.poll({ timeout: 1000 }))[0]).to.include({ write: true, read: false });
    });

    it('reports hangup when the peer closes, also on a registration without interest', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const fd = b.fd;
      const poller = cleanup.add(new Poller()).register(b, { read: true });
      later(10, () => a.close());
      const [peerGone] = await poller.poll({ timeout: 5000 });
      expect(peerGone).to.include({ fd, read: true, hangup: true, error: false });
      poller.modify(b, { read: false });
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([{ fd, target: b, read: false, write: false, error: false, hangup: true }],
        'a registration without interest still reports a hang-up when poll() looks');
    });

    it('reports error and hangup when a socket closes while a poll waits on it', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const fd = b.fd;
      const poller = cleanup.add(new Poller()).register(b, { read: true });
      const pending = poller.poll({ timeout: 5000 });
      await b.close();
      expect(await pending).to.deep.equal([{ fd, target: b, read: false, write: false, error: true, hangup: true }]);
      expect(() => poller.register(b)).to.throw(/already registered/);
      poller.unregister(b);
    });

    it('refuses a closed socket and a socket another poller has', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const p1 = cleanup.add(new Poller()).register(a);
      const p2 = cleanup.add(new Poller());
      expect(() => p2.register(a)).to.throw(TypeError, /already registered/);
      expect(() => p2.register(a.fd)).to.throw(TypeError, /already registered/);
      p1.unregister(a);
      p2.register(a);
      await b.close();
      expect(() => p1.register(b)).to.throw(SocketClosedError);
    });
  });

  describe('registration errors', () => {
    it('registering one fd twice is a clear error, in one poller or two, or with an EventBase', () => {
      const { r } = makeFifo(cleanup);
      const p1 = cleanup.add(new Poller()).register(r);
      const p2 = cleanup.add(new Poller());
      const base = cleanup.add(new EventBase());
      expect(() => p1.register(r)).to.throw(TypeError, /already registered with this Poller/).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => p2.register(r)).to.throw(TypeError, /already registered/).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => base.setIoHandler(r, 'read', () => {})).to.throw(TypeError, /already registered/);
      p1.unregister(r);
      p2.register(r);
    });

    it('an fd that is not open is a SyscallError EBADF; a bad number a RangeError or TypeError', () => {
      const { r } = makeFifo(cleanup);
      cleanup.closeFd(r);
      const poller = cleanup.add(new Poller());
      expect(() => poller.register(r)).to.throw(SyscallError).that.deep.include({ code: 'EBADF', syscall: 'register' });
      expect(() => poller.register(-1)).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
      expect(() => poller.register(1.5)).to.throw(RangeError);
      expect(() => poller.register('3' as never)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => poller.register({} as never)).to.throw(TypeError);
      expect(poller.size).to.equal(0);
    });

    it('bad interests are TypeErrors', () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller());
      expect(() => poller.register(r, { read: 'yes' as never })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => poller.register(r, 5 as never)).to.throw(TypeError);
    });
  });

  describe('poll() options, concurrency and close', () => {
    it('bad options reject (never throw)', async () => {
      const poller = cleanup.add(new Poller());
      const bad = [{ timeout: -1 }, { timeout: Number.NaN }, { timeout: '5' }, { signal: {} }, 7];
      for (const options of bad) {
        let p: Promise<unknown> | undefined;
        expect(() => (p = poller.poll(options as never))).to.not.throw();
        const err = await p!.then(() => null, (e: unknown) => e);
        expect(err).to.be.instanceOf(Error).with.property('code').that.matches(/^ERR_(OUT_OF_RANGE|INVALID_ARG_TYPE)$/);
      }
    });

    it('a second concurrent poll() rejects with ERR_INVALID_STATE', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      const first = poller.poll({ timeout: 5000 });
      const err = await poller.poll().then(() => null, (e: unknown) => e);
      expect(err).to.have.property('code', 'ERR_INVALID_STATE');
      writeSync(w, 'x');
      expect(await first).to.have.length(1);
    });

    it('aborts with AbortError (cause: the reason); an aborted signal rejects at once', async () => {
      const { r } = makeFifo(cleanup);
      const poller = cleanup.add(new Poller()).register(r);
      const ac = new AbortController();
      const pending = poller.poll({ signal: ac.signal });
      later(10, () => ac.abort('stop'));
      const err = await pending.then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(AbortError).and.include({ name: 'AbortError', code: 'ABORT_ERR', cause: 'stop' });
      const again = await poller.poll({ signal: ac.signal }).then(() => null, (e: unknown) => e);
      expect(again).to.be.instanceOf(AbortError);
      expect(await poller.poll({ timeout: 0 })).to.deep.equal([], 'usable after an abort');
    });

    it('close() rejects a waiting poll, releases every watcher, and then every method fails', async () => {
      const { r, w } = makeFifo(cleanup);
      const poller = new Poller().register(r).register(w, { read: false });
      const pending = poller.poll();
      poller.close();
      poller.close();
      expect(await pending.then(() => null, (e: unknown) => e)).to.be.instanceOf(PollerClosedError).with.property('code', 'ERR_POLLER_CLOSED');
      expect(() => poller.register(r)).to.throw(PollerClosedError);
      expect(() => poller.unregister(r)).to.throw(PollerClosedError);
      expect(await poller.poll().then(() => null, (e: unknown) => e)).to.be.instanceOf(PollerClosedError);
      // The fds are the user's: still open, and free to register again.
      const other = cleanup.add(new Poller()).register(r).register(w, { write: true });
      expect(await other.poll({ timeout: 0 })).to.have.length(1);
    });

    it('supports `using`', async () => {
      const { r } = makeFifo(cleanup);
      {
        using poller = new Poller();
        poller.register(r);
      }
      cleanup.add(new Poller()).register(r);
    });

    it('leaves no fd behind after many registrations and polls', async () => {
      const { r, w } = makeFifo(cleanup);
      const before = fdCount();
      for (let i = 0; i < 50; i++) {
        const poller = new Poller().register(r).register(w, { write: true });
        await poller.poll({ timeout: 0 });
        if (i % 2) poller.unregister(r);
        poller.close();
      }
      expect(fdCount()).to.equal(before);
    });

    it('a Poller dropped without close() is released by the collector: its duplicates closed, its fds free to register', async () => {
      const { r, w } = makeFifo(cleanup);
      const before = fdCount();
      const abandon = async (): Promise<void> => {
        const poller = new Poller().register(r).register(w, { write: true });
        expect(fdCount()).to.equal(before + 2);
        await poller.poll({ timeout: 0 });
      };
      for (let i = 0; i < 3; i++) {
        await abandon();
        await collectUntil(() => fdCount() === before, 'the abandoned poller closed its duplicates');
      }
      cleanup.add(new Poller()).register(r).register(w);
    });

    it('a waiting poll keeps its Poller alive when nothing else refers to it', async () => {
      const { r, w } = makeFifo(cleanup);
      const before = fdCount();
      const waiting = new Poller().register(r).poll();
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      writeSync(w, 'x');
      const events = await waiting;
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ fd: r, read: true });
      await collectUntil(() => fdCount() === before, 'the poller, once answered, was collected');
    });

    it('does not close the fds it watches', async () => {
      const { r } = makeFifo(cleanup);
      const poller = new Poller().register(r);
      await poller.poll({ timeout: 5 });
      poller.close();
      cleanup.closeFd(r); // throws EBADF if the poller had closed it
    });
  });
});
