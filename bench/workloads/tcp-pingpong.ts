/**
 * TCP ping-pong: one loopback connection with TCP_NODELAY on both ends; the client writes one
 * byte, the server echoes it from its 'data' handler, the client writes the next byte when the
 * echo arrives. Round trips per second: a fixed count of round trips timed (BENCH_PINGPONG,
 * default 60,000), or those made in a time window (`tcp-pingpong@window`).
 */
import type { Duplex } from 'node:stream';
import { envInt, scaled, windowMs, withIolibPair, withNodePair, type Form, type Workload } from '../workload.js';

const ONE = Buffer.from([0x2a]);
const trips = () => scaled(envInt('BENCH_PINGPONG', 60_000), 10);

/**
 * Runs the ping-pong for `count` round trips or, for the window form, until `ms` have passed;
 * answers round trips per second. The same code drives both libraries.
 */
export function pingPong(client: Duplex, conn: Duplex, form: Form): Promise<number> {
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    conn.once('error', reject);
    conn.on('data', (chunk: Buffer) => conn.write(chunk));
    const finish = (done: number, now: number) => {
      client.removeAllListeners('data');
      conn.removeAllListeners('data');
      client.off('error', reject);
      conn.off('error', reject);
      resolve(done / ((now - t0) / 1000));
    };
    let done = 0;
    const t0 = performance.now();
    if (form === 'count') {
      const count = trips();
      client.on('data', () => {
        if (++done < count) client.write(ONE);
        else finish(done, performance.now());
      });
    } else {
      const end = t0 + windowMs();
      client.on('data', () => {
        done++;
        const now = performance.now();
        if (now < end) client.write(ONE);
        else finish(done, now);
      });
    }
    client.write(ONE);
  });
}

export function tcpPingpong(form: Form): Workload {
  return {
    name: form === 'count' ? 'tcp-pingpong' : 'tcp-pingpong@window',
    unit: 'rt/s',
    higherIsBetter: true,
    target: 1.35,
    description: `one loopback TCP connection, TCP_NODELAY both ends, 1-byte message echoed back, round trips/s ${form === 'count' ? 'over a fixed count' : 'over a time window'}`,
    runIolib: () => withIolibPair(true, (client, conn) => pingPong(client, conn, form)),
    runNode: () => withNodePair(true, (client, conn) => pingPong(client, conn, form)),
    ...(form === 'count' ? { reference: () => ({ program: 'pingpong', args: [String(trips())] }) } : {}),
  };
}
