/**
 * Probes that need a process of their own (a fault there must not take the test runner down,
 * or the process needs its own fd limit): shared by the regression tests and the stress run.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';

const library = fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url));

/** How a child ended and what it printed. */
export interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Starts `code` (an ES module) in a child node, through /bin/sh so `shellPrefix` can set limits. */
function startChild(code: string, shellPrefix = ''): ReturnType<typeof spawn> {
  return spawn('/bin/sh', ['-c', `${shellPrefix} exec ${JSON.stringify(process.execPath)} --input-type=module -e "$IOLIB_CHILD"`], {
    env: { ...process.env, IOLIB_CHILD: code },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output; resolves when it ends. */
function finished(child: ReturnType<typeof spawn>): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/**
 * Starts and terminates `workers` worker threads one after another, each terminated at a
 * random moment while it loops over native calls that build JS values (getpeername,
 * recvfrom, sendmmsg batches, accept then open). Before issue 16 this aborted the process.
 */
export function workerTerminateProbe(workers: number): Promise<ChildResult> {
  // The child runs with --input-type=module, which its workers' eval inherits: ES modules.
  const body = `
    import { parentPort } from 'node:worker_threads';
    const { makeSocketPair, makeSocket } = await import(${JSON.stringify(library)});
    const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
    (async () => { for await (const c of server) c.destroy(); })().catch(() => {});
    parentPort.postMessage('ready');
    for (let i = 0; ; i++) {
      const [a, b] = makeSocketPair({ type: 'datagram' });
      for (let k = 0; k < 20; k++) {
        a.write(Buffer.from('x'));
        b.remoteFilename;
        a.localFilename;
      }
      await new Promise((r) => setImmediate(r));
      a.destroy();
      b.destroy();
      if (i % 10 === 0) makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }).then((c) => c.destroy(), () => {});
    }`;
  const code = `
    import { Worker } from 'node:worker_threads';
    for (let i = 0; i < ${workers}; i++) {
      const w = new Worker(${JSON.stringify(body)}, { eval: true });
      const ready = new Promise((r) => {
        w.once('message', r);
        w.once('error', (e) => { console.error(e); r(); });
      });
      await ready;
      await new Promise((r) => setTimeout(r, Math.random() * 10));
      await w.terminate();
    }
    console.log('survived');`;
  return finished(startChild(code));
}

/**
 * Starts `workers` worker threads one after another, each terminated a few hundred µs after it
 * starts loading the addon (process.dlopen of the file lib/native.ts loads), so termination
 * lands inside the addon's module initialisation. Before session 13 this aborted the process
 * (node-addon-api's napi_throw failure is fatal unless NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS).
 */
export function addonLoadTerminateProbe(workers: number): Promise<ChildResult> {
  const body = `
    const { workerData } = await import('node:worker_threads');
    const started = new Int32Array(workerData.started);
    Atomics.store(started, 0, 1);
    Atomics.notify(started, 0);
    process.dlopen({ exports: {} }, workerData.addon);`;
  const code = `
    import { Worker } from 'node:worker_threads';
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(library)});
    const addon = process.env.IOLIB_NATIVE_ADDON || require('node-gyp-build').path(${JSON.stringify(fileURLToPath(new URL('../../..', import.meta.url)))});
    for (let i = 0; i < ${workers}; i++) {
      const started = new SharedArrayBuffer(4);
      const w = new Worker(${JSON.stringify(body)}, { eval: true, workerData: { started, addon } });
      w.on('error', () => {});
      Atomics.wait(new Int32Array(started), 0, 0, 5000);
      // Spread the moment of termination over the addon's start-up: 0 to 300 µs after it begins.
      const until = process.hrtime.bigint() + BigInt(((i * 37) % 300) * 1000);
      while (process.hrtime.bigint() < until);
      await w.terminate();
    }
    console.log('survived');`;
  return finished(startChild(code));
}

/** What {@link emfileProbe} measured. */
export interface EmfileResult {
  exitCode: number | null;
  stderr: string;
  /** 'acceptPaused' events while out of fds. */
  paused: number;
  /** The class and code of the error they carried. */
  pausedError: string;
  /** CPU use (% of one core) during the first second out of fds. */
  cpu: number;
  /** Connections served ('ok' written) once fds were free again. */
  served: number;
  /** Clients that read 'ok'. */
  answered: number;
}

/**
 * A child with `ulimit -n fdLimit` serves `clients` connections with the README's bare
 * `for await (const conn of server)` loop (no 'error' listener): it holds every connection
 * until accept meets EMFILE, measures its CPU for a second while out of fds, then frees them
 * and must serve the connections still waiting in the backlog.
 */
export async function emfileProbe(clients: number, fdLimit: number): Promise<EmfileResult> {
  const code = `
    import { makeSocket } from ${JSON.stringify(library)};
    const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
    const held = [];
    let paused = 0, pausedError = '', cpu = -1, served = 0, dropped = 0;
    server.on('acceptPaused', (err) => {
      if (paused++ > 0) return;
      pausedError = err.constructor.name + ' ' + err.code;
      const start = process.cpuUsage();
      setTimeout(() => {
        const used = process.cpuUsage(start);
        cpu = (used.user + used.system) / 1000 / 1000 * 100;
        for (const c of held.splice(0)) {
          c.destroy();
          dropped++;
        }
      }, 1000);
    });
    console.log(server.localPort);
    for await (const conn of server) {
      if (cpu < 0) { held.push(conn); continue; }
      conn.write('ok');
      conn.close();
      if (++served + dropped >= ${clients}) break;
    }
    console.log(JSON.stringify({ paused, pausedError, cpu, served }));
    await server.close();`;
  const child = startChild(code, `ulimit -n ${fdLimit} &&`);
  const result = finished(child);
  const port = await new Promise<number>((resolve, reject) => {
    let first = '';
    child.stdout!.on('data', (d: Buffer) => {
      first += d;
      if (first.includes('\n')) resolve(Number(first.split('\n')[0]));
    });
    child.on('close', () => reject(new Error('the child ended before listening')));
  });
  const answers = await Promise.all(Array.from({ length: clients }, () => new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('error', () => resolve(`error ${got}`));
    s.on('close', () => resolve(got));
  })));
  const r = await result;
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  let figures = { paused: 0, pausedError: '', cpu: -1, served: 0 };
  try {
    figures = JSON.parse(last) as typeof figures;
  } catch {
    // The child died before reporting: exitCode and stderr say why.
  }
  return { exitCode: r.code, stderr: r.stderr, ...figures, answered: answers.filter((a) => a === 'ok').length };
}

/** A node:net listener on 127.0.0.1 that accepts each connection and resets it at once. */
export async function resettingPeer(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((s) => s.resetAndDestroy());
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}
