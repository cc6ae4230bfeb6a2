import { expect } from 'chai';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { socketFdCount } from '../helpers/sockets.js';

const library = fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url));
const nativeModule = fileURLToPath(new URL('../../lib/native.js', import.meta.url));

describe('worker threads', () => {
  it('sockets work in a worker, and terminating it mid-read closes them without a crash', async () => {
    const before = socketFdCount();
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(library)}).then(async ({ makeSocket }) => {
        const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const accepted = server.acceptConnection();
        const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
        const conn = await accepted;
        conn.on('data', (d) => parentPort.postMessage(String(d)));
        client.on('data', () => {});
        client.write('from the worker');
      });`;
    const worker = new Worker(code, { eval: true });
    const [message] = await once(worker, 'message');
    expect(message).to.equal('from the worker');
    expect(socketFdCount()).to.equal(before + 3);
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    expect(socketFdCount()).to.equal(before);
  });

  it('a worker with closed sockets\' watchers kept for reuse, some closed during a batch, terminates cleanly', async () => {
    const before = socketFdCount();
    // Each round: a pair reads (its watchers start), one end closes inside its data handler
    // (its watcher waits for the batch to end), the other after; the next round's pair gets
    // their fd numbers. The last round's closes leave watchers kept at termination.
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(library)}).then(async ({ makeSocketPair }) => {
        for (let i = 0; i < 20; i++) {
          const [a, b] = makeSocketPair({ type: 'datagram' });
          await new Promise((resolve) => {
            b.once('data', () => {
              b.destroy();
              resolve();
            });
            a.write(Buffer.from('round ' + i));
          });
          a.destroy();
        }
        const [c, d] = makeSocketPair();
        d.on('data', (chunk) => parentPort.postMessage(String(chunk)));
        c.write('after 20 rounds');
      });`;
    const worker = new Worker(code, { eval: true });
    const [message] = await once(worker, 'message');
    expect(message).to.equal('after 20 rounds');
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    expect(socketFdCount()).to.equal(before);
  });

  it('a worker that recycled read pools (slabs cached, trim timer running) terminates cleanly', async () => {
    const before = socketFdCount();
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { setFlagsFromString } = require('node:v8');
      const { runInNewContext } = require('node:vm');
      setFlagsFromString('--expose-gc');
      const collect = runInNewContext('gc');
      Promise.all([import(${JSON.stringify(library)}), import(${JSON.stringify(nativeModule)})]).then(async ([{ makeSocket }, { native }]) => {
        const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const accepted = server.acceptConnection();
        const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
        const conn = await accepted;
        const total = 8 * 1024 * 1024;
        let received = 0;
        conn.on('data', (d) => {
          received += d.length;
          if (received === total) {
            collect();
            setImmediate(() => parentPort.postMessage(native.readPoolStats()));
          }
        });
        client.write(Buffer.alloc(total, 7));
      });`;
    const worker = new Worker(code, { eval: true });
    const [[idle, held]] = (await once(worker, 'message')) as [[number, number]];
    expect(idle + held, 'slabs the worker used').to.be.greaterThan(0);
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    expect(socketFdCount()).to.equal(before);
  });
});
