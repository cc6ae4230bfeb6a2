/**
 * The HTTP/1.1 load generator of the http-* workloads, run as a child process so it never
 * shares a CPU's event loop with the server it measures; the same generator drives the
 * node:net-served and the iolib-served `http.Server`.
 *
 * `node http-load.js '<json Load>'` prints one JSON line (`LoadResult`) and exits 0, or prints
 * what went wrong on stderr and exits 1. Raw node:net sockets, keep-alive, one request at a
 * time per connection (no pipelining), responses parsed just enough to find their ends
 * (status line, Content-Length): the generator's own cost per request stays small beside
 * the server's.
 */
import net from 'node:net';

export type LoadMode = 'small' | 'newconn' | 'big' | 'upload';

export interface Load {
  port: number;
  mode: LoadMode;
  /** Connections (or connect loops, for newconn) in flight. */
  connections: number;
  /** Requests in all. */
  requests: number;
  /** Upload body size (mode upload). */
  uploadBytes?: number;
}

export interface LoadResult {
  requests: number;
  /** Response bytes read (body and head) plus request bodies sent. */
  bytes: number;
  seconds: number;
}

const HOST = '127.0.0.1';
const CHUNK = Buffer.alloc(64 * 1024, 0x75);
const HEAD_END = Buffer.from('\r\n\r\n');

function requestHead(load: Load): Buffer {
  switch (load.mode) {
    case 'small': return Buffer.from(`GET /small HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    case 'newconn': return Buffer.from(`GET /small HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
    case 'big': return Buffer.from(`GET /big HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    case 'upload': return Buffer.from(`POST /upload HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: ${load.uploadBytes}\r\n\r\n`);
  }
}

/**
 * Reads responses off one connection: `expect()` arms it for the next response, which
 * resolves with its body's length (and the body's text when it is short).
 */
class ResponseReader {
  private head: Buffer | null = null;
  private remaining = -1;
  private bodyLength = 0;
  private text = '';
  private pending: { resolve: (r: { length: number; text: string }) => void; reject: (e: Error) => void } | null = null;
  bytes = 0;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed before the response ended')));
  }

  expect(): Promise<{ length: number; text: string }> {
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
  }

  private feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    while (chunk.length > 0) {
      if (this.remaining < 0) {
        const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
        const end = buf.indexOf(HEAD_END);
        if (end < 0) {
          this.head = buf;
          return;
        }
        this.head = null;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        const status = lines[0]!.split(' ')[1];
        if (status !== '200') return this.fail(new Error(`status ${lines[0]}`));
        const lengthLine = lines.find((l) => l.toLowerCase().startsWith('content-length:'));
        if (!lengthLine) return this.fail(new Error(`response without Content-Length: ${lines.join(' | ')}`));
        this.remaining = Number(lengthLine.slice(15).trim());
        this.bodyLength = this.remaining;
        this.text = '';
        chunk = buf.subarray(end + 4);
      }
      const take = Math.min(this.remaining, chunk.length);
      if (this.bodyLength <= 64) this.text += chunk.toString('latin1', 0, take);
      this.remaining -= take;
      chunk = chunk.subarray(take);
      if (this.remaining === 0) {
        this.remaining = -1;
        const p = this.pending;
        this.pending = null;
        p?.resolve({ length: this.bodyLength, text: this.text });
      }
    }
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: HOST, noDelay: true });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Writes `total` bytes of body, honouring backpressure. */
async function writeBody(socket: net.Socket, total: number): Promise<void> {
  for (let sent = 0; sent < total;) {
    const n = Math.min(CHUNK.length, total - sent);
    sent += n;
    if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

async function run(load: Load): Promise<LoadResult> {
  const head = requestHead(load);
  let started = 0;
  let bytes = 0;
  const next = () => started++ < load.requests;
  const t0 = performance.now();
  const keepAlive = async () => {
    if (!next()) return;
    const socket = await connect(load.port);
    const reader = new ResponseReader(socket);
    try {
      do {
        const response = reader.expect();
        socket.write(head);
        if (load.mode === 'upload') {
          await writeBody(socket, load.uploadBytes!);
          bytes += load.uploadBytes!;
        }
        const r = await response;
        if (load.mode === 'upload' && r.text !== String(load.uploadBytes)) throw new Error(`upload: the server read ${r.text} bytes of ${load.uploadBytes}`);
      } while (next());
    } finally {
      bytes += reader.bytes;
      socket.destroy();
    }
  };
  const newConnection = async () => {
    while (next()) {
      const socket = await connect(load.port);
      const reader = new ResponseReader(socket);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      const response = reader.expect();
      socket.write(head);
      await response;
      await closed;
      bytes += reader.bytes;
    }
  };
  await Promise.all(Array.from({ length: load.connections }, load.mode === 'newconn' ? newConnection : keepAlive));
  return { requests: load.requests, bytes, seconds: (performance.now() - t0) / 1000 };
}

try {
  const result = await run(JSON.parse(process.argv[2] ?? '') as Load);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`http-load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
