/**
 * TCP bulk throughput: one loopback connection, the client writes BENCH_TCP_MIB MiB (default
 * 2048) in 64 KiB writes, honouring backpressure (write() until false, then 'drain'); the
 * server counts bytes in 'data' events. Timed from the first write to the last byte received.
 */
import type { Duplex } from 'node:stream';
import { envInt, scaled, withIolibPair, withNodePair, type Workload } from '../workload.js';

const CHUNK = 64 * 1024;
const mib = () => scaled(envInt('BENCH_TCP_MIB', 2048));
const totalBytes = () => mib() * 1024 * 1024;
const payload = Buffer.alloc(CHUNK, 0x61);

/** Pumps `total` bytes from `writer` to `reader`; answers MiB/s. The same code drives both libraries. */
function transfer(writer: Duplex, reader: Duplex, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let sent = 0;
    writer.once('error', reject);
    reader.once('error', reject);
    const t0 = performance.now();
    reader.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= total) {
        const seconds = (performance.now() - t0) / 1000;
        reader.removeAllListeners('data');
        writer.off('error', reject);
        reader.off('error', reject);
        resolve(total / (1024 * 1024) / seconds);
      }
    });
    const pump = () => {
      while (sent < total) {
        sent += CHUNK;
        if (!writer.write(payload)) {
          writer.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

export const tcpThroughput: Workload = {
  name: 'tcp-throughput',
  unit: 'MiB/s',
  higherIsBetter: true,
  target: 1.5,
  description: 'one loopback TCP connection, 64 KiB writes with backpressure, MiB/s from first write to last byte read',

  runIolib() {
    return withIolibPair(false, (client, conn) => transfer(client, conn, totalBytes()));
  },

  runNode() {
    return withNodePair(false, (client, conn) => transfer(client, conn, totalBytes()));
  },

  /** C: a writer thread and a reader thread, blocking 64 KiB writes and reads. */
  reference: () => ({ program: 'throughput', args: [String(mib())] }),
};

