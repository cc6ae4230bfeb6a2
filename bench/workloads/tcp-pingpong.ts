/**
 * TCP ping-pong: one loopback connection with TCP_NODELAY on both ends; the client writes one
 * byte, the server echoes it from its 'data' handler, the client writes the next byte when the
 * echo arrives. Round trips per second over a fixed time window.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { makeSocket, type SocketStreamInternetActive, type SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import { LOOPBACK, nodeClose, nodeConnect, nodeDestroyAll, nodeListen, windowMs, type Workload } from '../workload.js';

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

  async runIolib() {
    const server = (await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0 })) as SocketStreamInternetPassive;
    const accepting = server.acceptConnection();
    const client = (await makeSocket({ remoteHost: LOOPBACK, remotePort: server.localPort!, nodelay: true })) as SocketStreamInternetActive;
    const conn = (await accepting)!;
    conn.setOption('tcpNodelay', true);
    try {
      return await pingPong(client, conn, windowMs());
    } finally {
      await Promise.all([client.close({ abort: true }), conn.close({ abort: true })]);
      await server.close();
    }
  },

  async runNode() {
    const server = net.createServer();
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const port = await nodeListen(server);
    const client = await nodeConnect(port, true);
    const conn = await accepted;
    conn.setNoDelay(true);
    try {
      return await pingPong(client, conn, windowMs());
    } finally {
      await nodeDestroyAll([client, conn]);
      await nodeClose(server);
    }
  },
};
