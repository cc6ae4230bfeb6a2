/**
 * Connections per second through a loopback listener that accepts each connection and closes
 * it at once; 64 clients of the same library in flight (BENCH_ACCEPT_CONCURRENCY; so each run
 * is one library end to end, both sides in one process) connect, wait for the server's FIN,
 * close, and connect again. The count form times a fixed number of whole connections
 * (BENCH_ACCEPTS, default 6,000): from the first connect until every client has closed and
 * every accepted socket's close has finished, so the client's connect and close are in the
 * figure for both libraries. The window form (`accept-rate@window`) counts the accepts made
 * in a time window.
 *
 * BENCH_ACCEPT_CLIENTS=node makes node:net the client in both runs instead, so only the
 * listening side differs (the shared client cost then dilutes the ratio).
 *
 * Closing: node `socket.destroy()` and iolib `close({ abort: true })`, both a plain close(2)
 * with nothing unsent. The server closes first, so TIME_WAIT stays on the listener's side
 * (a new listener port each run) and client ports are not used up.
 */
import net from 'node:net';
import type { SocketStreamInternetActive, SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, envInt, iolib, nodeClose, nodeListen, scaled, windowMs, type Form, type Workload } from '../workload.js';

const width = () => envInt('BENCH_ACCEPT_CONCURRENCY', 64);
const total = () => scaled(envInt('BENCH_ACCEPTS', 6000), 4);
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
  /** Accepts counted: in the window (window form) or all (count form). */
  accepted: number;
  /** Connections started (count form). */
  started: number;
  /** End of the window (window form). */
  end: number;
  errors: number;
}

/** Keeps `width` connect/close loops going until the window ends or the count is started. Same for both libraries. */
async function clientLanes(form: Form, connectOnce: () => Promise<void>, c: Counters): Promise<void> {
  const count = total();
  const more = form === 'count' ? () => c.started++ < count : () => performance.now() < c.end;
  const lane = async () => {
    while (more()) {
      try {
        await connectOnce();
      } catch {
        c.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: width() }, lane));
}

/** Connections per second from the counters and the run's start. */
function rate(form: Form, c: Counters, t0: number): number {
  if (form === 'window') return c.accepted / (windowMs() / 1000);
  if (c.accepted !== total()) throw new Error(`accept-rate: ${c.accepted} connections accepted of ${total()} (${c.errors} errors)`);
  return c.accepted / ((performance.now() - t0) / 1000);
}

export function acceptRate(form: Form): Workload {
  const w: Workload = {
    name: form === 'count' ? 'accept-rate' : 'accept-rate@window',
    unit: 'conn/s',
    higherIsBetter: true,
    target: 1.4,
    get description() {
      return `loopback listener accepting and closing at once; 64 concurrent ${nodeClients() ? 'node:net clients (both runs)' : 'clients of the same library'} reconnecting; ${form === 'count' ? `${total()} whole connections (connect, accept, both closes) per second` : 'accepts/s over a time window'}`;
    },

    async runIolib() {
      const { makeSocket } = await iolib();
      const server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0, backlog: 1024 })) as SocketStreamInternetPassive;
      const port = server.localPort!;
      const c: Counters = { accepted: 0, started: 0, end: 0, errors: 0 };
      const closes: Promise<void>[] = [];
      const serving = (async () => {
        for await (const conn of server) {
          if (form === 'count' || performance.now() < c.end) c.accepted++;
          const closing = conn.close({ abort: true });
          if (form === 'count') closes.push(closing);
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
      c.end = t0 + windowMs();
      try {
        await clientLanes(form, connectOnce, c);
        await Promise.all(closes);
        return rate(form, c, t0);
      } finally {
        await server.close();
        await serving;
        w.details = { errors: c.errors };
      }
    },

    async runNode() {
      const c: Counters = { accepted: 0, started: 0, end: 0, errors: 0 };
      const server = net.createServer((conn) => {
        if (form === 'count' || performance.now() < c.end) c.accepted++;
        conn.destroy();
      });
      const port = await nodeListen(server, 1024);
      const t0 = performance.now();
      c.end = t0 + windowMs();
      try {
        await clientLanes(form, () => nodeConnectOnce(port, c), c);
        return rate(form, c, t0);
      } finally {
        await nodeClose(server);
        w.details = { errors: c.errors };
      }
    },
    ...(form === 'count' ? { reference: () => ({ program: 'accept', args: [String(total()), String(width())] }) } : {}),
  };
  return w;
}
