/**
 * Recipe: SO_REUSEPORT listeners in worker threads. Each worker opens its own listening socket
 * on the same port with `reusePort: true`; the kernel spreads incoming connections across them,
 * so accepting scales with threads and no socket is shared. The main thread then connects a
 * batch of clients and counts which worker answered each.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { makeSocket, withOpenSocket } from 'node-iolib/sockets';

const WORKERS = 3;
const CLIENTS = 60;

async function worker(id: number, port: number): Promise<void> {
  const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: port, reusePort: true });
  parentPort!.postMessage({ listening: server.localPort });
  parentPort!.once('message', () => void server.close()); // 'stop': for-await below then ends
  for await (const conn of server) {
    conn.end(`worker ${id}`);
  }
}

async function main(): Promise<void> {
  // The first worker picks the port (0: any free one); the others join it.
  const workers: Worker[] = [];
  let port = 0;
  for (let id = 1; id <= WORKERS; id++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { id, port } });
    workers.push(w);
    const reply = await new Promise<{ listening: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    port = reply.listening;
  }
  console.log(`${WORKERS} workers listening on 127.0.0.1:${port} with SO_REUSEPORT`);

  const counts = new Map<string, number>();
  for (let i = 0; i < CLIENTS; i++) {
    const who = await withOpenSocket({ remoteHost: '127.0.0.1', remotePort: port }, async (s) => {
      let text = '';
      for await (const chunk of s) text += chunk.toString();
      return text;
    });
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  for (const [who, n] of [...counts].sort()) console.log(`${who} answered ${n} connections`);
  const answered = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`${answered}/${CLIENTS} connections answered by ${counts.size} of ${WORKERS} workers`);
  for (const w of workers) w.postMessage('stop');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  if (answered !== CLIENTS) process.exitCode = 1;
}

if (isMainThread) await main();
else await worker((workerData as { id: number }).id, (workerData as { port: number }).port);
