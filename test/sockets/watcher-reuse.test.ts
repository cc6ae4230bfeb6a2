/**
 * A closed socket's watcher is kept for the next socket that gets the same fd number (native
 * FdHandle::Park): that socket skips uv_poll_init. The kept watcher must serve its new socket
 * exactly as a new one would, wherever the close and the new socket happen: in a plain turn,
 * or inside the batch that is serving the socket being closed. Only iolib's own sockets take a
 * kept watcher: a user's fd (the multiplexer's duplicate, makeSocketFromFd's probe) on a kept
 * number is handled as before, its flags changed only once it is watched.
 *
 * Also here: a connect in progress asked again (connect(2) a second time), which completes a
 * loopback connect without epoll; a connect that has to wait still ends the same way.
 */
import { expect } from 'chai';
import { closeSync, constants, openSync, readFileSync, readSync, readdirSync, rmSync, mkdtempSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { makeSocket, makeSocketFromFd, makeSocketPair, SocketStreamInternetActive, SocketStreamLocalActive } from '../../lib/sockets/index.js';
import { SocketError } from '../../lib/errors.js';
import { Poller } from '../../lib/multiplex/index.js';
import { Cleanup, asInstance, fdTarget, iolibPair, payload, readExactly, sha256, throwsWith } from '../helpers/sockets.js';

/** The fd numbers open in this process. */
function openFds(): Set<number> {
  return new Set(readdirSync('/proc/self/fd').map(Number));
}

/** Sends `size` bytes each way between `a` and `b` at once; true when both arrive whole. */
async function exchange(a: SocketStreamInternetActive | SocketStreamLocalActive, b: SocketStreamInternetActive | SocketStreamLocalActive, size: number): Promise<boolean> {
  const ab = payload(size);
  const ba = payload(size).reverse();
  const [atB, atA] = await Promise.all([readExactly(b, size), readExactly(a, size), a.write(ab), b.write(ba)]);
  return sha256(atB) === sha256(ab) && sha256(atA) === sha256(ba);
}

describe('sockets: a closed socket\'s watcher reused by the next socket on its fd number', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('TCP connections made and closed in turn, on repeating fd numbers, each carry 256 KiB both ways whole', async function () {
    const seen = new Map<number, number>();
    for (let i = 0; i < 40; i++) {
      const { server, client, conn } = await iolibPair(cleanup);
      for (const fd of [client.fd, conn.fd]) seen.set(fd, (seen.get(fd) ?? 0) + 1);
      expect(await exchange(client, conn, 256 * 1024), `round ${i}`).to.equal(true);
      await Promise.all([client.close(), conn.close()]);
      await server.close();
    }
    // The kernel hands out the lowest free number: the same few numbers come back.
    expect(Math.max(...seen.values())).to.be.at.least(20);
  });

  it('a socket closed inside its own data handler, and a pair made there on its fd number, both work', async function () {
    // Datagram sockets close at once (connected byte streams close on the thread pool).
    const [a, b] = makeSocketPair({ type: 'datagram' });
    cleanup.add(a);
    cleanup.add(b);
    const aFd = a.fd;
    const made = new Promise<[SocketStreamLocalActive, SocketStreamLocalActive]>((resolve) => {
      b.once('data', () => {
        // Inside the batch serving b: b's handle is closed while its Serve frame is below.
        b.destroy();
        a.destroy();
        const pair = makeSocketPair();
        resolve([asInstance(pair[0], SocketStreamLocalActive), asInstance(pair[1], SocketStreamLocalActive)]);
      });
    });
    a.write(Buffer.from('go'));
    const [c, d] = await made;
    cleanup.add(c);
    cleanup.add(d);
    expect([c.fd, d.fd]).to.include(aFd);
    expect(await exchange(c, d, 300_000)).to.equal(true);
    // And again, now that the batch has ended and the closed watchers are kept.
    const cFd = c.fd;
    await Promise.all([c.close(), d.close()]);
    const [e, f] = makeSocketPair();
    cleanup.add(e);
    cleanup.add(f);
    expect([e.fd, f.fd]).to.include(cFd);
    expect(await exchange(asInstance(e, SocketStreamLocalActive), asInstance(f, SocketStreamLocalActive), 300_000)).to.equal(true);
  });

  /**
   * Runs `use` with a blocking FIFO fd whose number a closed socket's kept watcher has, and the
   * numbers of the two kept watchers: every hole below the highest open fd is filled first, so
   * the next numbers handed out are the ones the closed pair gave back.
   */
  async function onKeptNumbers(use: (fifo: number, numbers: number[], path: string) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'iolib-reuse-'));
    const fillers: number[] = [];
    try {
      // Made first: running mkfifo opens (and closes) pipes of its own.
      const path = join(dir, 'fifo');
      execFileSync('mkfifo', [path]);
      const highest = Math.max(...openFds());
      for (let fd = openSync('/dev/null', 'r'); ; fd = openSync('/dev/null', 'r')) {
        fillers.push(fd);
        if (fd > highest) break;
      }
      // Reading starts their watchers, which their close then keeps.
      const sockets = makeSocketPair();
      for (const s of sockets) s.resume();
      await new Promise((resolve) => setImmediate(resolve));
      const numbers = sockets.map((s) => s.fd);
      await Promise.all(sockets.map((s) => s.close()));
      const fifo = openSync(path, constants.O_RDWR);
      fillers.push(fifo);
      expect(numbers).to.include(fifo);
      await use(fifo, numbers, path);
    } finally {
      for (const fd of fillers) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** fd's open-file status flags, from /proc. */
  function statusFlags(fd: number): number {
    return Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
  }

  it('the multiplexer\'s duplicate on a kept watcher\'s number is watched as a new one: flags untouched until it waits, non-blocking once it does', async function () {
    await onKeptNumbers(async (fifo, numbers, path) => {
      writeSync(fifo, 'ready');
      // The poller's duplicate of the FIFO takes the other kept number.
      const poller = cleanup.add(new Poller()).register(fifo, { read: true });
      const dups = [...openFds()].filter((fd) => fd !== fifo && fdTarget(fd) === path);
      expect(dups.length).to.equal(1);
      expect(numbers).to.include(dups[0]);
      // Ready already: answered without a watcher, so nothing is watched and nothing changes.
      expect((await poller.poll({ timeout: 0 })).map((e) => e.read)).to.deep.equal([true]);
      expect(statusFlags(fifo) & constants.O_NONBLOCK).to.equal(0);
      expect(readSync(fifo, Buffer.alloc(16))).to.equal(5);
      // Nothing ready: the poll waits on a watcher, which makes the open file non-blocking.
      expect(await poller.poll({ timeout: 20 })).to.deep.equal([]);
      expect(statusFlags(fifo) & constants.O_NONBLOCK).to.equal(constants.O_NONBLOCK);
      poller.close();
    });
  });

  it('makeSocketFromFd refusing an fd on a kept watcher\'s number leaves the fd\'s flags as they were', async function () {
    await onKeptNumbers(async (fifo) => {
      throwsWith(() => makeSocketFromFd(fifo), SocketError);
      expect(statusFlags(fifo) & constants.O_NONBLOCK).to.equal(0);
    });
  });
});

describe('sockets: a TCP connect in progress, asked again', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('a connect whose SYN was dropped (a full backlog) waits, and completes once the listener makes room', async function () {
    this.timeout(30_000);
    const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, backlog: 0 }));
    const port = server.localPort!;
    // Fill the accept queue with node:net clients until one's SYN goes unanswered.
    for (let i = 0; ; i++) {
      if (i === 32) throw new Error('could not fill the listen backlog: connects never hang here');
      const c = cleanup.add(net.connect({ host: '127.0.0.1', port }));
      c.on('error', () => {});
      const connected = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 300);
        c.once('connect', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!connected) break;
    }
    const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
    let settled = false;
    const connecting = s.connect('127.0.0.1', { port, timeout: 20_000 }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled, 'the connect is still in progress').to.equal(false);
    // Room: accept everything queued; the kernel's SYN retries then complete the handshakes.
    let mine: SocketStreamInternetActive | null = null;
    while (mine === null) {
      const conn = asInstance(await server.acceptConnection(), SocketStreamInternetActive);
      cleanup.add(conn);
      if (s.localPort !== undefined && conn.remotePort === s.localPort) mine = conn;
    }
    await connecting;
    expect(s.isConnected()).to.equal(true);
    expect(await exchange(s, mine, 100_000)).to.equal(true);
  });
});
