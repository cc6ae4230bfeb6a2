/**
 * TCP ping-pong: one loopback connection with TCP_NODELAY on both ends; the client writes one
 * byte, the server echoes it from its 'data' handler, the client writes the next byte when the
 * echo arrives. Round trips per second over a fixed time window.
 */
import type { Duplex } from 'node:stream';
import { windowMs, withIolibPair, withNodePair, type Workload } from '../workload.js';

const ONE = Buffer.from([0x2a]);

/** Runs the ping-pong for `ms`; answers round trips per second. The same code drives both libraries. */
export function pingPong(client: Duplex, conn: Duplex, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    conn.once('error', reject);
    conn.on('data', (chunk: Buffer) => conn.write(chunk));
    let trips = 0;
    const t0 = performance.now();
    const end = t0 + ms;
    client.on('data', () => {
      trips++;
      const now = performance.now();
      if (now < end) {
        client.write(ONE);
        return;
      }
      client.removeAllListeners('data');
      conn.removeAllListeners('data');
      client.off('error', reject);
      conn.off('error', reject);
      resolve(trips / ((now - t0) / 1000));
    });
    client.write(ONE);
  });
}

export const tcpPingpong: Workload = {
  name: 'tcp-pingpong',
  unit: 'rt/s',
  higherIsBetter: true,
  target: 1.25,
  description: 'one loopback TCP connection, TCP_NODELAY both ends, 1-byte message echoed back, round trips/s over a time window',

  runIolib() {
    return withIolibPair(true, (client, conn) => pingPong(client, conn, windowMs()));
  },

  runNode() {
    return withNodePair(true, (client, conn) => pingPong(client, conn, windowMs()));
  },
};
