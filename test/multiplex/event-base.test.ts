import { readSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { EventBase, Poller, PollerClosedError, SyscallError, Timer, type IoHandlerEvent } from '../../lib/multiplex/index.js';
import { makeSocketPair } from '../../lib/sockets/index.js';
import { cleanupEachTest, later, makeFifo, makeFifoRdwr } from './helpers.js';

describe('multiplex: EventBase', () => {
  const cleanup = cleanupEachTest();

  describe('I/O handlers', () => {
    it('calls a read handler when data is there, as often as it stays there, and not after removal', async () => {
      const { r, w } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: [number, IoHandlerEvent][] = [];
      base.setIoHandler(r, 'read', (fd, event) => {
        calls.push([fd, event]); // fd is typed as the number it was set for
        if (calls.length === 2) base.removeFdHandlers(r);
      });
      later(10, () => writeSync(w, 'x'));
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal([[r, 'read'], [r, 'read']], 'level-triggered: unread data is reported each round');
      expect(base.isEmpty()).to.equal(true);
    });

    it('calls a write handler when the fd is writable', async () => {
      const { w } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(w, 'write', (_fd, event) => calls.push(event), { oneShot: true });
      await base.eventDispatch();
      expect(calls).to.deep.equal(['write']);
    });

    it('an fd that stays ready does not starve the event loop: a timer ends the dispatch', async () => {
      const { w } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      let calls = 0;
      // Bounded, so that a starved loop fails the test instead of hanging it.
      base.setIoHandler(w, 'write', () => ++calls === 200_000 && base.exitEventLoop());
      let ticks = 0;
      const interval = setInterval(() => ticks++, 1);
      cleanup.add({ close: () => clearInterval(interval) });
      setTimeout(() => base.exitEventLoop(), 30);
      await base.eventDispatch({ timeout: 5000 });
      expect(ticks).to.be.greaterThan(0);
      expect(calls).to.be.within(2, 199_999);
    });

    it('calls nothing while no data is there, and returns on its timeout', async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      let called = 0;
      base.setIoHandler(r, 'read', () => called++);
      const t0 = performance.now();
      await base.eventDispatch({ timeout: 60 });
      expect(performance.now() - t0).to.be.at.least(55).and.below(2000);
      expect(called).to.equal(0);
      expect(base.isEmpty()).to.equal(false);
    });

    it('calls the read handler before the write handler of one fd, and fds in the order they got handlers', async () => {
      const fd = makeFifoRdwr(cleanup);
      const other = makeFifo(cleanup);
      writeSync(fd, 'x');
      writeSync(other.w, 'y');
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      base.setIoHandler(other.r, 'read', () => calls.push('other read'), { oneShot: true });
      base.setIoHandler(fd, 'write', () => calls.push('fd write'), { oneShot: true });
      base.setIoHandler(fd, 'read', () => calls.push('fd read'), { oneShot: true });
      await base.eventDispatch({ oneShot: true });
      expect(calls).to.deep.equal(['other read', 'fd read', 'fd write']);
    });

    it('calls I/O handlers before timers in one round, timers in expiry order', async () => {
      const fd = makeFifoRdwr(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      // Expiries far apart: each timer's deadline counts from its own addTimer call, and under
      // a sanitizer the calls can be over a millisecond apart.
      base.addTimer(() => calls.push('timer 2'), 60);
      base.addTimer(() => calls.push('timer 1'), 1);
      base.addTimer(() => calls.push('timer 2b'), 60);
      base.setIoHandler(fd, 'write', () => calls.push('write'), { oneShot: true });
      await new Promise((resolve) => setTimeout(resolve, 100)); // all three timers are due now
      await base.eventDispatch({ oneShot: true });
      expect(calls).to.deep.equal(['write', 'timer 1', 'timer 2', 'timer 2b']);
    });

    it('reports hangup to a read handler when the writer closes', async () => {
      const { r, w } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(r, 'read', (_fd, event) => {
        calls.push(event);
        base.removeFdHandlers(r);
      });
      later(10, () => cleanup.closeFd(w));
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['hangup']);
    });

    it('reports error to a write handler when the reader closes', async () => {
      const { r, w } = makeFifo(cleanup);
      cleanup.closeFd(r);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(w, 'write', (_fd, event) => calls.push(event), { oneShot: true });
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['error']);
    });

    it('calls the handlers of an fd closed underneath once with error, removes them, and ends', async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(r, 'read', (_fd, event) => calls.push(event));
      later(10, () => cleanup.closeFd(r));
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['error']);
      expect(base.isEmpty()).to.equal(true);
    });

    it('handles sockets as well as fds', async () => {
      const [a, b] = makeSocketPair({ type: 'stream' });
      cleanup.add({ close: () => Promise.all([a.close(), b.close()]) });
      const base = cleanup.add(new EventBase());
      const seen: unknown[] = [];
      base.setIoHandler(b, 'read', (target, event) => seen.push(target, event), { oneShot: true });
      later(10, () => a.write(Buffer.from('x')));
      await base.eventDispatch({ timeout: 5000 });
      expect(seen).to.deep.equal([b, 'read']);
    });

    it('removeFdHandlers removes one side or both', async () => {
      const fd = makeFifoRdwr(cleanup);
      writeSync(fd, 'x');
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      base.setIoHandler(fd, 'read', () => calls.push('read'));
      base.setIoHandler(fd, 'write', () => calls.push('write'));
      base.removeFdHandlers(fd, { write: true });
      await base.eventDispatch({ oneShot: true });
      expect(calls).to.deep.equal(['read']);
      base.setIoHandler(fd, 'write', () => calls.push('write'));
      base.removeFdHandlers(fd);
      expect(base.isEmpty()).to.equal(true);
      base.removeFdHandlers(fd); // nothing left: no error
    });
  });

  describe('handler timeouts', () => {
    it("calls a handler with 'timeout' when no readiness comes in time, again each period", async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      // The period starts when the handler is set: the clock starts before that.
      const t0 = performance.now();
      base.setIoHandler(r, 'read', (_fd, event) => {
        calls.push(event);
        if (calls.length === 2) base.removeFdHandlers(r);
      }, { timeout: 20 });
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['timeout', 'timeout']);
      expect(performance.now() - t0).to.be.at.least(38);
    });

    it('a one-shot handler that times out is removed', async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(r, 'read', (_fd, event) => calls.push(event), { timeout: 10, oneShot: true });
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['timeout']);
      expect(base.isEmpty()).to.equal(true);
    });

    it('readiness restarts the timeout and comes before it', async () => {
      const { r, w } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      const calls: IoHandlerEvent[] = [];
      base.setIoHandler(r, 'read', (_fd, event) => {
        calls.push(event);
        if (event === 'read') readSync(r, Buffer.alloc(16));
        else base.removeFdHandlers(r);
      }, { timeout: 40 });
      later(5, () => writeSync(w, 'x'));
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['read', 'timeout']);
    });
  });

  describe('timers', () => {
    it('fires one-shot timers in expiry order, then returns: nothing is left', async () => {
      const base = cleanup.add(new EventBase());
      const calls: number[] = [];
      for (const ms of [30, 10, 20, 0]) base.addTimer(() => calls.push(ms), ms);
      const t0 = performance.now();
      await base.eventDispatch();
      expect(calls).to.deep.equal([0, 10, 20, 30]);
      expect(performance.now() - t0).to.be.at.least(28);
      expect(base.isEmpty()).to.equal(true);
    });

    it('fires a periodic timer until it is removed', async () => {
      const base = cleanup.add(new EventBase());
      const times: number[] = [];
      const t0 = performance.now();
      const timer = base.addTimer(() => {
        times.push(performance.now() - t0);
        if (times.length === 3) base.removeTimer(timer);
      }, 15, { oneShot: false });
      expect(timer).to.be.instanceOf(Timer).and.include({ delay: 15, oneShot: false, scheduled: true });
      await base.eventDispatch({ timeout: 5000 });
      expect(times).to.have.length(3);
      expect(times[2]).to.be.at.least(44);
      expect(timer.scheduled).to.equal(false);
    });

    it('removeTimer unschedules a timer before it fires; a timer removed in a round is not called', async () => {
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      const c = base.addTimer(() => calls.push('c'), 5);
      base.addTimer(() => {
        calls.push('a');
        base.removeTimer(b);
      }, 0);
      const b = base.addTimer(() => calls.push('b'), 0);
      base.removeTimer(c);
      expect(c.scheduled).to.equal(false);
      await base.eventDispatch();
      expect(calls).to.deep.equal(['a']);
    });

    it('a timer added by a timer fires in a later round', async () => {
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      base.addTimer(() => {
        calls.push('first');
        base.addTimer(() => calls.push('added'), 0);
      }, 0);
      base.addTimer(() => calls.push('second'), 0);
      await base.eventDispatch({ oneShot: true });
      expect(calls).to.deep.equal(['first', 'second']);
      await base.eventDispatch();
      expect(calls).to.deep.equal(['first', 'second', 'added']);
    });

    it('a timer added while dispatch waits shortens the wait', async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      base.setIoHandler(r, 'read', () => {});
      const calls: string[] = [];
      later(5, () => base.addTimer(() => {
        calls.push('timer');
        base.exitEventLoop();
      }, 5));
      const t0 = performance.now();
      await base.eventDispatch({ timeout: 5000 });
      expect(calls).to.deep.equal(['timer']);
      expect(performance.now() - t0).to.be.below(2000);
    });
  });

  describe('dispatch control', () => {
    it('exitEventLoop from a handler stops at once: nothing else is called', async () => {
      const base = cleanup.add(new EventBase());
      const calls: string[] = [];
      base.addTimer(() => {
        calls.push('a');
        base.exitEventLoop();
      }, 0);
      base.addTimer(() => calls.push('b'), 0);
      await base.eventDispatch();
      expect(calls).to.deep.equal(['a']);
      await base.eventDispatch();
      expect(calls).to.deep.equal(['a', 'b'], 'what was left runs in the next dispatch');
    });

    it('exitEventLoop from outside ends a waiting dispatch', async () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      base.setIoHandler(r, 'read', () => {});
      later(20, () => base.exitEventLoop());
      const t0 = performance.now();
      await base.eventDispatch();
      expect(performance.now() - t0).to.be.below(2000);
      base.exitEventLoop(); // not dispatching: nothing
    });

    it('oneShot returns after the first round that called something', async () => {
      const base = cleanup.add(new EventBase());
      const calls: number[] = [];
      base.addTimer(() => calls.push(1), 5);
      base.addTimer(() => calls.push(2), 200);
      await base.eventDispatch({ oneShot: true });
      expect(calls).to.deep.equal([1]);
      expect(base.isEmpty()).to.equal(false);
    });

    it('returns at once when empty', async () => {
      const base = cleanup.add(new EventBase());
      await base.eventDispatch();
    });

    it('a throwing handler rejects the dispatch; the base stays usable', async () => {
      const base = cleanup.add(new EventBase());
      base.addTimer(() => {
        throw new Error('boom');
      }, 0);
      const calls: string[] = [];
      base.addTimer(() => calls.push('next'), 1);
      const err = await base.eventDispatch().then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(Error).with.property('message', 'boom');
      await base.eventDispatch();
      expect(calls).to.deep.equal(['next']);
    });

    it('a second concurrent dispatch rejects with ERR_INVALID_STATE', async () => {
      const base = cleanup.add(new EventBase());
      base.addTimer(() => {}, 20);
      const first = base.eventDispatch();
      const err = await base.eventDispatch().then(() => null, (e: unknown) => e);
      expect(err).to.have.property('code', 'ERR_INVALID_STATE');
      await first;
    });

    it('close() ends a waiting dispatch, releases every watcher, and then methods fail', async () => {
      const { r } = makeFifo(cleanup);
      const base = new EventBase();
      base.setIoHandler(r, 'read', () => {});
      base.addTimer(() => {}, 10_000);
      later(10, () => base.close());
      await base.eventDispatch();
      base.close();
      expect(() => base.addTimer(() => {}, 1)).to.throw(PollerClosedError);
      expect(() => base.setIoHandler(r, 'read', () => {})).to.throw(PollerClosedError);
      expect(await base.eventDispatch().then(() => null, (e: unknown) => e)).to.be.instanceOf(PollerClosedError);
      cleanup.add(new Poller()).register(r); // the fd is free again
    });
  });

  describe('argument errors', () => {
    it('a second handler for one fd and event, or an fd held elsewhere, is a TypeError', () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      base.setIoHandler(r, 'read', () => {});
      expect(() => base.setIoHandler(r, 'read', () => {})).to.throw(TypeError, /already has a 'read' handler/);
      const poller = cleanup.add(new Poller());
      expect(() => poller.register(r)).to.throw(TypeError, /already registered/);
      const other = cleanup.add(new EventBase());
      expect(() => other.setIoHandler(r, 'write', () => {})).to.throw(TypeError, /already registered/);
    });

    it('bad arguments throw with Node codes; an fd that is not open is EBADF', () => {
      const { r } = makeFifo(cleanup);
      const base = cleanup.add(new EventBase());
      expect(() => base.setIoHandler(r, 'except' as never, () => {})).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => base.setIoHandler(r, 'read', 'f' as never)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
      expect(() => base.setIoHandler(r, 'read', () => {}, { timeout: -5 })).to.throw(RangeError);
      expect(() => base.setIoHandler(r, 'read', () => {}, { timeout: 0 })).to.throw(RangeError);
      expect(() => base.setIoHandler(-1, 'read', () => {})).to.throw(RangeError);
      expect(() => base.addTimer(() => {}, 0, { oneShot: false })).to.throw(RangeError);
      expect(() => base.addTimer(() => {}, undefined as never)).to.throw(TypeError);
      expect(() => base.addTimer(null as never, 1)).to.throw(TypeError);
      expect(() => base.removeTimer({} as never)).to.throw(TypeError);
      cleanup.closeFd(r);
      expect(() => base.setIoHandler(r, 'read', () => {})).to.throw(SyscallError).with.property('code', 'EBADF');
      expect(base.isEmpty()).to.equal(true);
    });

    it('bad dispatch options reject', async () => {
      const base = cleanup.add(new EventBase());
      const err = await base.eventDispatch({ timeout: -1 }).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(RangeError);
    });
  });
});
