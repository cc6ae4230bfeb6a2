/**
 * Connections accepted per second: a loopback listener accepts each connection and closes it
 * at once; clients of the same library (so each run is one library end to end, both sides in
 * this process) connect 64 at a time, wait for the server's FIN, close, and connect again.
 * Accepts counted over a time window.
 *
 * BENCH_ACCEPT_CLIENTS=node makes node:net the client in both runs instead, so only the
 * listening side differs (the shared client cost then dilutes the ratio).
 *
 * Closing: node `socket.destroy()` and iolib `close({ abort: true })`, both a plain close(2)
 * with nothing unsent. The server closes first, so TIME_WAIT stays on the listener's side
 * (a new listener port each run) and client ports are not used up.
 */
import net from 'node:net';
import { makeSocket, type SocketStreamInternetActive, type SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, nodeClose, nodeListen, windowMs, type Workload } from '../workload.js';

const width = () => envInt('BENCH_ACCEPT_CONCURRENCY', 64);
const nodeClients = () => process.env.BENCH_ACCEPT_CLIENTS === 'node';

/** One node:net client: connect, wait for the server's FIN, close. */
function nodeConnectOnce(port: number, c: Counters): Promise<void> {
  return new Promise<void>((resolve) => {
    const s = net.connect({ port, host: LOOPBACK });
    s.once('end', () => s.destroy());
    s.once('error', () => c.errors++);
    s.once('close', () => resolve());
  });
}

interface Counters {
  accepted: number;
  end: number;
  errors: number;
}

/** Keeps `width` connect/close loops going until the window ends. Same for both libraries. */
async function clientLanes(connectOnce: () => Promise<void>, c: Counters): Promise<void> {
  const lane = async () => {
    while (performance.now() < c.end) {
      try {
        await connectOnce();
      } catch {
        c.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: width() }, lane));
}

export const acceptRate: Workload = {
  name: 'accept-rate',
  unit: 'conn/s',
  higherIsBetter: true,
  target: 1.3,
  get description() {
    return `loopback listener accepting and closing at once; 64 concurrent ${nodeClients() ? 'node:net clients (both runs)' : 'clients of the same library'} reconnecting; accepts/s over a time window`;
  },

  async runIolib() {
    const ms = windowMs();
    const server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0, backlog: 1024 })) as SocketStreamInternetPassive;
    const port = server.localPort!;
    const c: Counters = { accepted: 0, end: 0, errors: 0 };
    const serving = (async () => {
      for await (const conn of server) {
        if (performance.now() < c.end) c.accepted++;
        void conn.close({ abort: true });
      }
    })();
    const connectOnce = nodeClients() ? () => nodeConnectOnce(port, c) : async () => {
      const s = (await makeSocket({ remoteHost: LOOPBACK, remotePort: port })) as SocketStreamInternetActive;
      await new Promise<void>((resolve) => {
        s.once('end', resolve);
        s.once('error', resolve);
        s.resume();
      });
      await s.close({ abort: true });
    };
    const t0 = performance.now();
    c.end = t0 + ms;
    try {
      await clientLanes(connectOnce, c);
    } finally {
      await server.close();
      await serving;
    }
    acceptRate.details = { errors: c.errors };
    return c.accepted / (ms / 1000);
  },

  async runNode() {
    const ms = windowMs();
    const c: Counters = { accepted: 0, end: 0, errors: 0 };
    const server = net.createServer((conn) => {
      if (performance.now() < c.end) c.accepted++;
      conn.destroy();
    });
    const port = await nodeListen(server, 1024);
    const connectOnce = () => nodeConnectOnce(port, c);
    const t0 = performance.now();
    c.end = t0 + ms;
    try {
      await clientLanes(connectOnce, c);
    } finally {
      await nodeClose(server);
    }
    acceptRate.details = { errors: c.errors };
    return c.accepted / (ms / 1000);
  },
};
