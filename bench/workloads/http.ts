/**
 * HTTP/1.1 workloads: one `http.createServer` handler, served once over node:net
 * (`server.listen`) and once over iolib (a passive iolib socket whose accepted connections are
 * handed to the same kind of `http.Server` by `serve()`, which emits each as `'connection'`), driven by the
 * same load generator in another process (bench/reference/http_load.c, see generatorFor; one
 * request at a time per connection, no pipelining). Four forms:
 *
 * - `http-keepalive`: 50 keep-alive connections, small responses (BENCH_HTTP_REQUESTS,
 *   default 20,000 requests), requests/s;
 * - `http-newconn`: a new connection per request (`Connection: close`), 50 in flight
 *   (BENCH_HTTP_NEWCONN, default 4,000), requests/s;
 * - `http-10mb`: 10 MiB responses over 4 keep-alive connections (BENCH_HTTP_BIG, default 160),
 *   MiB/s;
 * - `http-upload`: 50 MiB uploads over 2 connections (BENCH_HTTP_UPLOADS, default 12) to a
 *   handler that reads slowly (pauses the request 1 ms after every MiB), MiB/s; the handler
 *   answers the byte count it read and the generator checks it.
 *
 * A round that fails or does not finish within BENCH_HTTP_TIMEOUT_MS (default 30 s) reports
 * its error (the generator is killed, every connection destroyed) instead of stalling.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SocketStreamInternetPassive } from '../../lib/sockets/index.js';
import type { Load, LoadMode, LoadResult } from '../http-load.js';
import { buildReferences, referenceBinary } from '../reference.js';
import { LOOPBACK, envInt, iolib, nodeClose, nodeListen, scaled, type Workload } from '../workload.js';

const SMALL = Buffer.from('hello, world\n');
const BIG = Buffer.alloc(10 * 1024 * 1024, 0x6b);
const UPLOAD_BYTES = 50 * 1024 * 1024;
const PAUSE_EVERY = 1024 * 1024;
const GENERATOR = fileURLToPath(new URL('../http-load.js', import.meta.url));
const timeoutMs = () => envInt('BENCH_HTTP_TIMEOUT_MS', 30_000);

/** The handler both servers run. */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method === 'POST') {
    // A slow reader: pauses the request for 1 ms after every MiB it reads.
    let read = 0;
    let sincePause = 0;
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      sincePause += chunk.length;
      if (sincePause >= PAUSE_EVERY) {
        sincePause = 0;
        req.pause();
        setTimeout(() => req.resume(), 1);
      }
    });
    req.on('end', () => res.end(String(read)));
    return;
  }
  res.setHeader('Content-Type', req.url === '/big' ? 'application/octet-stream' : 'text/plain');
  res.end(req.url === '/big' ? BIG : SMALL);
}

/** A listening server: where it listens, and how to stop it (destroying every connection). */
interface Served {
  port: number;
  /** An error the serving side raised (the run fails with it). */
  failure: Promise<never>;
  close(): Promise<void>;
}

async function serveNode(): Promise<Served> {
  const server = http.createServer(handler);
  const port = await nodeListen(server, 1024);
  return {
    port,
    failure: new Promise<never>((_, reject) => server.once('error', reject)),
    async close() {
      server.closeAllConnections();
      await nodeClose(server);
    },
  };
}

/** The same handler over iolib: an `http.Server` that does not listen itself, fed by serve(). */
async function serveIolib(): Promise<Served> {
  const { makeSocket, serve, SocketStreamInternetPassive } = await iolib();
  const server = http.createServer(handler);
  const passive = await makeSocket({ connect: 'passive', localHost: LOOPBACK, localPort: 0, backlog: 1024 });
  if (!(passive instanceof SocketStreamInternetPassive)) throw new Error('not a TCP listener');
  let fail!: (err: unknown) => void;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => {});
  const serving = serve(server, passive).catch(fail);
  server.on('error', fail);
  server.on('clientError', (err: Error, socket: Socket) => {
    fail(err);
    socket.destroy();
  });
  return {
    port: passive.localPort!,
    failure,
    async close() {
      server.closeAllConnections();
      server.close();
      await serving;
    },
  };
}

/**
 * The generator of a load: bench/reference/http_load.c, one thread on epoll, where a generator
 * in Node spends about as much CPU per request as the server it drives and so sets both
 * servers' rate; bench/http-load.ts (Node) where `BENCH_HTTP_GENERATOR=node` asks for it.
 */
async function generatorFor(load: Load): Promise<{ file: string; args: string[] }> {
  if (process.env.BENCH_HTTP_GENERATOR === 'node') return { file: process.execPath, args: [GENERATOR, JSON.stringify(load)] };
  await buildReferences();
  const mode = load.mode === 'small' ? 'keepalive' : load.mode;
  return { file: referenceBinary('http_load'), args: [String(load.port), mode, String(load.connections), String(load.requests), ...(load.uploadBytes ? [String(load.uploadBytes)] : [])] };
}

/** Runs the generator in a child process; rejects on its failure or after the timeout. */
async function generate(load: Load): Promise<LoadResult> {
  const { file, args } = await generatorFor(load);
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs(), killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) {
        const stalled = err.killed || err.signal === 'SIGKILL';
        reject(new Error(stalled ? `http-${load.mode}: no result within ${timeoutMs()} ms (stalled); generator said: ${stderr.trim() || 'nothing'}` : `http-${load.mode}: ${stderr.trim() || err.message}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult);
      } catch {
        reject(new Error(`http-${load.mode}: the generator printed no result: ${stdout}${stderr}`));
      }
    });
  });
}

interface Shape {
  name: string;
  mode: LoadMode;
  unit: 'req/s' | 'MiB/s';
  target: number;
  connections: number;
  requests: () => number;
  description: string;
}

const SHAPES: Shape[] = [
  { name: 'http-keepalive', mode: 'small', unit: 'req/s', target: 1.1, connections: 50, requests: () => scaled(envInt('BENCH_HTTP_REQUESTS', 20_000), 50), description: '50 keep-alive connections, small responses, no pipelining' },
  { name: 'http-newconn', mode: 'newconn', unit: 'req/s', target: 1.3, connections: 50, requests: () => scaled(envInt('BENCH_HTTP_NEWCONN', 4000), 50), description: 'a new connection per request (Connection: close), 50 in flight' },
  { name: 'http-10mb', mode: 'big', unit: 'MiB/s', target: 1.0, connections: 4, requests: () => scaled(envInt('BENCH_HTTP_BIG', 160), 4), description: '10 MiB responses over 4 keep-alive connections' },
  { name: 'http-upload', mode: 'upload', unit: 'MiB/s', target: 1.0, connections: 2, requests: () => scaled(envInt('BENCH_HTTP_UPLOADS', 12), 2), description: '50 MiB uploads over 2 connections to a handler that pauses 1 ms after every MiB it reads' },
];

function httpWorkload(shape: Shape): Workload {
  const measure = async (serve: () => Promise<Served>): Promise<number> => {
    const served = await serve();
    try {
      const uploadBytes = shape.mode === 'upload' ? Math.max(1024 * 1024, scaled(UPLOAD_BYTES)) : undefined;
      const r = await Promise.race([generate({ port: served.port, mode: shape.mode, connections: shape.connections, requests: shape.requests(), ...(uploadBytes ? { uploadBytes } : {}) }), served.failure]);
      w.details = { requests: r.requests, seconds: r.seconds, bytes: r.bytes };
      return shape.unit === 'req/s' ? r.requests / r.seconds : r.bytes / (1024 * 1024) / r.seconds;
    } finally {
      await served.close();
    }
  };
  const w: Workload = {
    name: shape.name,
    unit: shape.unit,
    higherIsBetter: true,
    target: shape.target,
    description: `HTTP/1.1, the same http.createServer handler over node:net and over iolib, load from another process: ${shape.description}`,
    runIolib: () => measure(serveIolib),
    runNode: () => measure(serveNode),
  };
  return w;
}

export const httpWorkloads: Workload[] = SHAPES.map(httpWorkload);
