/**
 * Queued closes (native/close_queue.cc): a connected byte stream's close(2) runs on libuv's
 * thread pool. What must still hold: close() resolves and 'close' is emitted only once the fd is
 * closed, the peer sees the end, bursts of closes leave no fd behind, a socket with promises
 * waiting on it closes at once (their rejections are not left unhandled across a loop turn),
 * and a worker terminated with closes queued neither crashes nor leaks.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import type * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SocketClosedError } from '../../lib/errors.js';
import { makeSocket, makeSocketPair, type SocketStreamInternetActive } from '../../lib/sockets/index.js';
import { Cleanup, fdTarget, iolibPair, netServer, socketFdCount } from '../helpers/sockets.js';

const library = fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url));

describe('sockets: queued closes (close(2) on the thread pool)', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('close() resolves only once the fd is closed (TCP and Unix stream)', async () => {
    const { client, conn } = await iolibPair(cleanup);
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    for (const s of [client, conn, a, b]) {
      const fd = s.fd;
      const target = fdTarget(fd);
      expect(target).to.match(/^socket:/);
      await s.close();
      // The number may already name a new fd, but never the socket that was closed.
      expect(fdTarget(fd)).to.not.equal(target);
    }
  });

  it("'close' after destroy() comes only once the fd is closed", async () => {
    const { client } = await iolibPair(cleanup);
    const fd = client.fd;
    const target = fdTarget(fd);
    const closed = once(client, 'close');
    client.destroy();
    await closed;
    expect(fdTarget(fd)).to.not.equal(target);
  });

  it('the peer sees the end of a stream closed through the queue', async () => {
    let accepted!: (s: net.Socket) => void;
    const peer = new Promise<net.Socket>((resolve) => (accepted = resolve));
    const server = cleanup.add(await netServer('127.0.0.1', (s) => accepted(s)));
    const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port });
    const p = cleanup.add(await peer);
    const ended = once(p, 'end');
    p.resume();
    client.write('last words');
    await client.close();
    await ended;
  });

  it('a burst of 300 connections closed at once leaves no socket fd behind', async () => {
    const before = socketFdCount();
    const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
    const port = (server as { localPort: number }).localPort;
    const accepted: SocketStreamInternetActive[] = [];
    const serving = (async () => {
      for await (const conn of server as AsyncIterable<SocketStreamInternetActive>) {
        accepted.push(conn);
        if (accepted.length === 300) return;
      }
    })();
    const clients: SocketStreamInternetActive[] = [];
    for (let i = 0; i < 300; i++) clients.push(await makeSocket({ remoteHost: '127.0.0.1', remotePort: port }));
    await serving;
    expect(socketFdCount()).to.equal(before + 1 + 600);
    await Promise.all([...clients, ...accepted].map((s) => s.close({ abort: true })));
    expect(socketFdCount()).to.equal(before + 1);
  });

  it('a socket with a promise waiting on it closes at once: a rejection handled after close() is never unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let i = 0; i < 20; i++) {
        const { client } = await iolibPair(cleanup);
        const fd = client.fd;
        const target = fdTarget(fd);
        const receiving = client.receiveFrom({ size: 10 });
        await client.close();
        expect(fdTarget(fd), 'closed before close() resolved').to.not.equal(target);
        expect(await receiving.then(() => null, (e: Error) => e)).to.be.instanceOf(SocketClosedError);
      }
      // A macrotask turn: unhandled rejections are reported by then.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a worker terminated right after queueing closes neither crashes nor leaks fds', async () => {
    const before = socketFdCount();
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(library)}).then(async ({ makeSocket }) => {
        const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const socks = [];
        for (let i = 0; i < 50; i++) {
          const accepted = server.acceptConnection();
          socks.push(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }));
          socks.push(await accepted);
        }
        parentPort.postMessage('open');
        await new Promise((resolve) => parentPort.once('message', resolve));
        for (const s of socks) s.destroy();
        parentPort.postMessage('queued');
        await new Promise(() => {});
      });
    `;
    const worker = new Worker(code, { eval: true });
    const [first] = await once(worker, 'message');
    expect(first).to.equal('open');
    expect(socketFdCount()).to.equal(before + 101);
    worker.postMessage('go');
    const [second] = await once(worker, 'message');
    expect(second).to.equal('queued');
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    expect(socketFdCount()).to.equal(before);
  });
});
