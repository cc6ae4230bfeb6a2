/**
 * 256 concurrent loopback connections (BENCH_CONNS), TCP_NODELAY on both ends, each doing
 * ping-pongs of 64-byte messages at once: every client writes 64 bytes, its server side echoes
 * what it reads, the client writes the next message when all 64 bytes are back. Aggregate
 * round trips per second over a time window: how the per-socket cost grows with the number of
 * sockets. Connection setup is not timed.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { makeSocket, type SocketStreamInternetActive, type SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, inBatches, nodeClose, nodeConnect, nodeDestroyAll, nodeListen, windowMs, type Workload } from '../workload.js';

const MSG = 64;
const message = Buffer.alloc(MSG, 0x62);
const connections = () => envInt('BENCH_CONNS', 256);

/** Runs every pair's ping-pong for `ms`; answers aggregate round trips per second. Same code for both libraries. */
function concurrentEcho(clients: Duplex[], conns: Duplex[], ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let trips = 0;
    let finished = 0;
    const all = [...clients, ...conns];
    for (const s of all) s.once('error', reject);
    for (const conn of conns) conn.on('data', (chunk: Buffer) => conn.write(chunk));
    const t0 = performance.now();
    const end = t0 + ms;
    const done = () => {
      for (const s of all) {
        s.removeAllListeners('data');
        s.off('error', reject);
      }
      resolve(trips / (ms / 1000));
    };
    for (const client of clients) {
      let got = 0;
      client.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got < MSG) return;
        got -= MSG;
        if (performance.now() < end) {
          trips++;
          client.write(message);
        } else if (++finished === clients.length) {
          done();
        }
      });
    }
    for (const client of clients) client.write(message);
  });
}

export const tcpConcurrent: Workload = {
  name: 'tcp-concurrent',
  unit: 'rt/s',
  higherIsBetter: true,
  target: 1.25,
  description: '256 loopback TCP connections, TCP_NODELAY, each ping-ponging 64-byte messages at once, aggregate round trips/s over a time window',

  async runIolib() {
    const n = connections();
    const server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0, backlog: 1024 })) as SocketStreamInternetPassive;
    const port = server.localPort!;
    const conns: SocketStreamInternetActive[] = [];
    const clients: SocketStreamInternetActive[] = [];
    try {
      const accepting = (async () => {
        while (conns.length < n) {
          const c = (await server.acceptConnection())!;
          c.setOption('tcpNodelay', true);
          conns.push(c);
        }
      })();
      await inBatches(n, 64, async () => {
        clients.push((await makeSocket({ remoteHost: LOOPBACK, remotePort: port, nodelay: true })) as SocketStreamInternetActive);
      });
      await accepting;
      return await concurrentEcho(clients, conns, windowMs());
    } finally {
      await Promise.all([...clients, ...conns].map((s) => s.close({ abort: true })));
      await server.close();
    }
  },

  async runNode() {
    const n = connections();
    const server = net.createServer();
    const conns: net.Socket[] = [];
    const clients: net.Socket[] = [];
    const allAccepted = new Promise<void>((resolve) => {
      server.on('connection', (c) => {
        c.setNoDelay(true);
        conns.push(c);
        if (conns.length === n) resolve();
      });
    });
    const port = await nodeListen(server, 1024);
    try {
      await inBatches(n, 64, async () => {
        clients.push(await nodeConnect(port, true));
      });
      await allAccepted;
      return await concurrentEcho(clients, conns, windowMs());
    } finally {
      await nodeDestroyAll([...clients, ...conns]);
      await nodeClose(server);
    }
  },
};
