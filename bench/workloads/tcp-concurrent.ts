/**
 * N concurrent loopback connections (BENCH_CONNS, default 256), TCP_NODELAY on both ends, each
 * doing ping-pongs of 64-byte messages at once: every client writes 64 bytes, its server side
 * echoes what it reads, the client writes the next message when all 64 bytes are back.
 * Aggregate round trips per second: every connection making a fixed count of round trips
 * (BENCH_ECHO_TRIPS, default 200 each), timed until the last one is back; or those made in a
 * time window (`tcp-concurrent@window`). Connection setup is not timed.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { SocketStreamInternetActive, SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, inBatches, iolib, nodeClose, nodeConnect, nodeDestroyAll, nodeListen, scaled, windowMs, type Form, type Workload } from '../workload.js';

const MSG = 64;
const message = Buffer.alloc(MSG, 0x62);
const connections = () => scaled(envInt('BENCH_CONNS', 256), 2);
const tripsEach = () => scaled(envInt('BENCH_ECHO_TRIPS', 200), 2);

/** Runs every pair's ping-pong; answers aggregate round trips per second. Same code for both libraries. */
function concurrentEcho(clients: Duplex[], conns: Duplex[], form: Form): Promise<number> {
  return new Promise((resolve, reject) => {
    let trips = 0;
    let finished = 0;
    const all = [...clients, ...conns];
    for (const s of all) s.once('error', reject);
    for (const conn of conns) conn.on('data', (chunk: Buffer) => conn.write(chunk));
    const t0 = performance.now();
    const end = t0 + windowMs();
    const each = tripsEach();
    const done = () => {
      const seconds = (performance.now() - t0) / 1000;
      for (const s of all) {
        s.removeAllListeners('data');
        s.off('error', reject);
      }
      resolve(trips / (form === 'count' ? seconds : windowMs() / 1000));
    };
    for (const client of clients) {
      let got = 0;
      let mine = 0;
      client.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got < MSG) return;
        got -= MSG;
        const more = form === 'count' ? ++mine < each : performance.now() < end;
        if (form === 'count' || more) trips++;
        if (more) client.write(message);
        else if (++finished === clients.length) done();
      });
    }
    for (const client of clients) client.write(message);
  });
}

export function tcpConcurrent(form: Form): Workload {
  return {
    name: form === 'count' ? 'tcp-concurrent' : 'tcp-concurrent@window',
    unit: 'rt/s',
    higherIsBetter: true,
    target: 1.4,
    description: `${connections()} loopback TCP connections, TCP_NODELAY, each ping-ponging 64-byte messages at once, aggregate round trips/s ${form === 'count' ? `(${tripsEach()} round trips each)` : 'over a time window'}`,

    async runIolib() {
      const { makeSocket } = await iolib();
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
        return await concurrentEcho(clients, conns, form);
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
        return await concurrentEcho(clients, conns, form);
      } finally {
        await nodeDestroyAll([...clients, ...conns]);
        await nodeClose(server);
      }
    },
    ...(form === 'count' ? { reference: () => ({ program: 'echo', args: [String(connections()), String(tripsEach())] }) } : {}),
  };
}
