/**
 * Issue 9's hot paths, checked for correctness rather than speed: byte streams hand a Buffer
 * straight to the kernel when nothing is queued (and only the rest goes through the Writable
 * machinery); datagram batches land in the shared pool with their lengths and senders in one
 * reused info Buffer, and a burst from one sender shares one address object.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { C, H, native } from '../../lib/native.js';
import { makeSocket, makeSocketPair, type SocketDatagramInternetActive } from '../../lib/sockets/index.js';
import { start } from '../helpers/processes.js';
import { Cleanup, fdTarget, iolibPair, payload, readExactly, sha256, tmpSocketPath, until } from '../helpers/sockets.js';
import { requireUdp6 } from '../helpers/kinds.js';
import { gc, collectUntil } from '../helpers/collect.js';

const library = fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url));


interface Msg {
  data: Buffer;
  host?: { toString(): string };
  port?: number;
}

describe('sockets: fast paths', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('connects that complete at once', function () {
    it('a loop of awaited connects still lets a listener in the same process accept as it goes', async function () {
      const backlog = 64;
      const server = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, backlog }));
      const total = 400;  // 800 fds: within a default limit of 1024
      const batch = 16;
      let accepted = 0;
      const accepting = (async () => {
        for (let i = 0; i < total; i++) {
          cleanup.add((await server.acceptConnection())!);
          accepted++;
        }
      })();
      // Unaccepted connections past the backlog would have their SYNs dropped (and retried a
      // second later): the acceptor must never fall that far behind.
      let made = 0;
      let worstLag = 0;
      while (made < total) {
        await Promise.all(
          Array.from({ length: batch }, async () => {
            cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
            worstLag = Math.max(worstLag, ++made - accepted);
          }),
        );
      }
      await accepting;
      expect(accepted).to.equal(total);
      expect(worstLag, 'connections made but not yet accepted').to.be.at.most(2 * batch);
    });
  });

  describe('byte streams: direct writes', function () {
    it('keeps order and content across direct writes, callbacks, strings, cork/uncork and a full kernel buffer', async function () {
      const { client, conn } = await iolibPair(cleanup);
      // A small send buffer makes direct writes come back partial, so the rest takes the
      // stream's path while later writes queue behind it.
      client.setOption('sendBuffer', 4096);
      const parts: Buffer[] = [];
      const sent = (b: Buffer) => (parts.push(b), b);
      let callbacks = 0;
      let sawFalse = false;
      for (let i = 0; i < 400; i++) {
        const chunk = payload(1 + ((i * 7919) % 50000));
        switch (i % 5) {
          case 0:
            if (!client.write(sent(chunk))) sawFalse = true;
            break;
          case 1:
            client.write(sent(chunk), () => callbacks++);
            break;
          case 2:
            client.write(sent(Buffer.from(`text ${i};`)).toString('latin1'), 'latin1');
            break;
          case 3:
            client.cork();
            client.write(sent(chunk.subarray(0, 10)));
            client.write(sent(chunk.subarray(10)));
            process.nextTick(() => client.uncork());
            break;
          default:
            client.write(sent(new Uint8Array(chunk) as Buffer));
        }
      }
      const expected = Buffer.concat(parts);
      const got = await readExactly(conn, expected.length);
      expect(sha256(got)).to.equal(sha256(expected));
      expect(sawFalse, 'backpressure was reported').to.equal(true);
      await until(() => callbacks === 80, 5000, 'every write callback');
    });

    it('a direct write that completes still leaves write() returning true and no buffered bytes', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(1000);
      expect(client.write(data)).to.equal(true);
      expect(client.writableLength).to.equal(0);
      expect(sha256(await readExactly(conn, 1000))).to.equal(sha256(data));
    });

    it('a direct write after end() fails as a stream write after end does', async function () {
      const { client } = await iolibPair(cleanup);
      client.end();
      const err = once(client, 'error');
      client.write(Buffer.from('late'));
      const [e] = (await err) as [NodeJS.ErrnoException];
      expect(e.code).to.equal('ERR_STREAM_WRITE_AFTER_END');
    });

    it('a direct write to a reset connection reports the error through the stream', async function () {
      const { client, conn } = await iolibPair(cleanup);
      conn.setOption('linger', { onoff: true, linger: 0 });
      await conn.close();
      const err = once(client, 'error');
      // The first write may still be taken (the reset arrives with it); the next ones fail.
      const timer = setInterval(() => client.write(Buffer.from('x')), 5);
      try {
        const [e] = (await err) as [NodeJS.ErrnoException];
        expect(e.code).to.be.oneOf(['ECONNRESET', 'EPIPE']);
      } finally {
        clearInterval(timer);
      }
    });
  });

  describe('read pools: recycled slabs', function () {
    it('a slab is reused only once every Buffer read into it is dead: kept chunks stay intact', async function () {
      const { client, conn } = await iolibPair(cleanup);
      // 48 MiB through one connection with collections along the way, so slabs go round many
      // times; every 16th chunk is kept (the Buffer itself, not a copy) with its hash.
      const total = 48 * 1024 * 1024;
      const kept: { chunk: Buffer; hash: string }[] = [];
      let received = 0;
      let chunks = 0;
      const want = createHash('sha256');
      const have = createHash('sha256');
      conn.on('data', (chunk: Buffer) => {
        have.update(chunk);
        if (chunks++ % 16 === 0) kept.push({ chunk, hash: sha256(chunk) });
        received += chunk.length;
        if (chunks % 64 === 0) gc();
      });
      const block = payload(1024 * 1024);
      for (let sent = 0; sent < total; sent += block.length) {
        // Each MiB differs (its first bytes carry its number), so a stale slab region shows.
        const b = Buffer.from(block);
        b.writeUInt32LE(sent / block.length, 0);
        want.update(b);
        if (!client.write(b)) await once(client, 'drain');
      }
      await until(() => received === total, 20000, `${total} bytes`);
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      expect(have.digest('hex')).to.equal(want.digest('hex'));
      expect(kept.length).to.be.greaterThan(10);
      for (const [i, k] of kept.entries()) expect(sha256(k.chunk), `kept chunk ${i}`).to.equal(k.hash);
      const [idle, held] = native.readPoolStats();
      expect(idle + held, 'slabs in the cache').to.be.greaterThan(0);
    });

    // A pool is an external Buffer, which V8 never weighs when it decides to scavenge; left to
    // external-memory pressure, pools were freed by full mark-compacts (9 over these 512 MiB).
    it('pools read into are freed by scavenges, with no full collection (a child process, 512 MiB)', async function () {
      const script = `const { makeSocket } = await import(${JSON.stringify(library)});
        const { PerformanceObserver, constants } = await import('node:perf_hooks');
        const gcs = { major: 0, minor: 0, majorFlags: [] };
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
              gcs.major++;
              gcs.majorFlags.push(e.detail.flags);
            }
            else if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
          }
        });
        observer.observe({ entryTypes: ['gc'] });
        const TOTAL = 512 << 20;
        const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
        const writer = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
        const reader = await server.acceptConnection();
        const chunk = Buffer.alloc(65536, 0x61);
        let got = 0;
        const done = new Promise((resolve, reject) => {
          reader.on('error', reject);
          writer.on('error', reject);
          reader.on('data', (c) => { if ((got += c.length) === TOTAL) resolve(); });
        });
        let sent = 0;
        const pump = () => {
          while (sent < TOTAL) {
            sent += chunk.length;
            if (!writer.write(chunk)) return void writer.once('drain', pump);
          }
        };
        pump();
        await done;
        // The observer's entries come on a later turn.
        await new Promise((resolve) => setTimeout(resolve, 20));
        observer.disconnect();
        writer.destroy();
        reader.destroy();
        await server.close();
        console.log(JSON.stringify(gcs));`;
      const r = await start(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 60_000 }).done;
      expect(r.code, r.stderr).to.equal(0);
      const gcs = JSON.parse(r.stdout.toString()) as { major: number; minor: number; majorFlags: number[] };
      // At most the one the heap's own growth can take ("allocation failure" in --trace-gc).
      // The flags (perf_hooks' NODE_PERFORMANCE_GC_FLAGS_*) say why any others ran.
      expect(gcs.major, `full collections (flags ${gcs.majorFlags.join(', ')})`).to.be.at.most(1);
      expect(gcs.minor, 'scavenges').to.be.greaterThan(0);
    });

    it('slabs left idle for a whole trim interval go back to the system', async function () {
      native.setReadPoolTrimInterval(200);
      cleanup.add(() => native.setReadPoolTrimInterval(10_000));
      const { client, conn } = await iolibPair(cleanup);
      let received = 0;
      conn.on('data', (chunk: Buffer) => (received += chunk.length));
      const block = payload(4 * 1024 * 1024);
      client.write(block);
      await until(() => received === block.length, 5000, 'the data');
      conn.removeAllListeners('data');
      await collectUntil(() => native.readPoolStats()[0] > 0, 'a slab returned to the cache');
      // The trim timer frees what stayed idle for a whole interval; unref'd, it holds no loop open.
      await until(() => native.readPoolStats()[0] === 0, 5000, 'the idle slabs to be freed');
    });
  });

  describe('handles: no object per socket, one weak reference to it', function () {
    it('a socket dropped without close() has its fd closed when it is collected', async function () {
      // Each fd with the socket it was: closed, or reused for another socket, once collected.
      // Made in a function of their own: a suspended async frame may still hold its last values.
      const dropped = await (async () => {
        const fds: [number, string][] = [];
        for (let i = 0; i < 50; i++) {
          for (const s of await makeSocketPair({ type: 'stream' })) fds.push([s.fd, fdTarget(s.fd)!]);
        }
        return fds;
      })();
      expect(dropped.every(([, target]) => target.startsWith('socket:'))).to.equal(true);
      await collectUntil(() => dropped.every(([fd, target]) => fdTarget(fd) !== target), 'every dropped socket closed');
    });

    it("a local socket dropped without close() has the file its localFilename made removed when it is collected: the name binds again", async function () {
      const paths = Array.from({ length: 20 }, (_, i) => tmpSocketPath(`gc-file-${i}`));
      await (async () => {
        for (const localFilename of paths) await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename });
        // An unref'd listener is collected too (a listening one holds the process, as a net.Server).
        (await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: paths[0] + '.listen' })).unref();
      })();
      expect(paths.every((p) => existsSync(p))).to.equal(true);
      await collectUntil(() => [...paths, paths[0] + '.listen'].every((p) => !existsSync(p)), 'every dropped socket removed its file');
      cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: paths[0] }));
    });

    it('a handle opened without an owner (a probe) stays open across collections until closed', async function () {
      const fd = native.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0);
      const probe = H.open(fd, null);
      const target = fdTarget(fd);
      for (let i = 0; i < 5; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(H.fd(probe)).to.equal(fd);
      expect(fdTarget(fd)).to.equal(target);
      expect(H.close(probe)).to.equal(0);
      expect(fdTarget(fd)).to.equal(null);
      expect(H.fd(probe), 'a closed handle names nothing').to.equal(-C.EBADF!);
    });

    it('a reading socket stays alive without references, and a closed one leaves no handle behind', async function () {
      let got = '';
      const keep = await (async () => {
        const [a, b] = makeSocketPair({ type: 'stream' });
        a.on('data', (chunk: Buffer) => (got += chunk.toString()));
        return cleanup.add(b);
      })();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
      keep.write(Buffer.from('still here'));
      await until(() => got === 'still here', 5000, 'the reader to get the data');
      const [c, d] = await makeSocketPair({ type: 'stream' });
      const fd = c.fd;
      await c.close();
      await d.close();
      expect(c.fd).to.equal(-1);
      expect(c.isOpen()).to.equal(false);
      expect(() => c.getOption('receiveBuffer')).to.throw(/closed/i);
      expect(fd).to.be.at.least(0);
    });
  });

  describe('datagram batches', function () {
    async function udp(host: string, options: Record<string, unknown> = {}): Promise<SocketDatagramInternetActive> {
      return cleanup.add(await makeSocket({ type: 'datagram', localHost: host, localPort: 0, ...options }));
    }

    it('messages from interleaved senders each carry their own sender (address and port)', async function () {
      const rx = await udp('127.0.0.1');
      // Two ports on one address and a second address: the sender cache must tell them apart.
      const senders = [await udp('127.0.0.1'), await udp('127.0.0.1'), await udp('127.0.0.2')];
      const got: Msg[] = [];
      rx.on('data', (m: Msg) => got.push(m));
      const total = 600;
      // Rounds of 60 written in one tick (so they share recvmmsg batches), each round received
      // before the next is sent: the receive queue never overflows.
      for (let i = 0; i < total; i++) {
        const s = senders[i % 3]!;
        s.write({ data: Buffer.from(`${i % 3}:${i}`), host: '127.0.0.1', port: rx.localPort! });
        if (i % 60 === 59) await until(() => got.length === i + 1, 5000, `${i + 1} datagrams`);
      }
      const seen = new Set<number>();
      for (const m of got) {
        const [who, n] = m.data.toString().split(':').map(Number) as [number, number];
        const s = senders[who]!;
        expect(m.port, `datagram ${n}`).to.equal(s.localPort);
        expect(m.host!.toString(), `datagram ${n}`).to.equal(s.localHost!.toString());
        seen.add(n);
      }
      expect(seen.size).to.equal(total);
    });

    it('payloads of every size stay intact after later batches (pool regions are never reused)', async function () {
      const rx = await udp('127.0.0.1');
      const tx = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: rx.localPort! }));
      const kept: Buffer[] = [];
      rx.on('data', (m: Msg) => kept.push(m.data));
      // ~1.3 MiB in all: several pools' worth, so early messages outlive pool replacements.
      const sizes = Array.from({ length: 300 }, (_, i) => (i * 4099) % 9000);
      const sent = sizes.map((n, i) => Buffer.concat([Buffer.from([i & 0xff]), payload(n)]).subarray(0, n));
      const want = createHash('sha256');
      for (let i = 0; i < sent.length; i++) {
        want.update(sent[i]!);
        tx.write(sent[i]!);
        if (i % 20 === 19) await until(() => kept.length === i + 1, 5000, `${i + 1} datagrams`);
      }
      const have = createHash('sha256');
      for (const b of kept) have.update(b);
      expect(kept.map((b) => b.length)).to.deep.equal(sizes);
      expect(have.digest('hex')).to.equal(want.digest('hex'));
    });

    describe('segmented sends (UDP_SEGMENT)', function () {
      /** A node:dgram receiver on loopback: a peer that knows nothing of segmentation. */
      async function nodeReceiver(host = '127.0.0.1'): Promise<{ port: number; got: Buffer[] }> {
        const rx = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
        cleanup.add(() => new Promise<void>((resolve) => rx.close(() => resolve())));
        await new Promise<void>((resolve) => rx.bind(0, host, resolve));
        const got: Buffer[] = [];
        rx.on('message', (m: Buffer) => got.push(m));
        return { port: rx.address().port, got };
      }

      /** Writes each round in one tick (one batch), waiting for it to arrive before the next. */
      async function sendRounds(tx: SocketDatagramInternetActive, got: Buffer[], rounds: Buffer[][]): Promise<void> {
        let total = 0;
        for (const round of rounds) {
          for (const b of round) tx.write(b);
          total += round.length;
          await until(() => got.length === total, 5000, `${total} datagrams`);
        }
      }

      it('a batch to the connected peer arrives as the same datagrams, runs of one size or not', async function () {
        const { port, got } = await nodeReceiver();
        const tx = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port }));
        // Long runs of one size (more than one send's 64), a shorter last one, a size whose
        // 64 would pass the 65,507-byte limit, empty datagrams, and sizes that change each time.
        const sizes = [
          ...Array<number>(150).fill(64), 10, ...Array<number>(70).fill(1100), 0, 0, 5, ...Array<number>(3).fill(300),
          ...Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 500)),
        ];
        const rounds = [sizes.slice(0, 160), sizes.slice(160)].map((r) => r.map((n) => payload(n)));
        await sendRounds(tx, got, rounds);
        const sent = rounds.flat();
        expect(got.map((b) => b.length)).to.deep.equal(sizes);
        expect(sha256(got)).to.equal(sha256(sent));
        if (C.UDP_SEGMENT !== undefined) expect(tx._segments, 'segmented sends in use').to.equal(64);
      });

      it('IPv6: a batch to the connected peer arrives as the same datagrams', async function () {
        await requireUdp6(this);
        const { port, got } = await nodeReceiver('::1');
        const tx = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '::1', remotePort: port }));
        const sizes = [...Array<number>(100).fill(700), 3, ...Array<number>(20).fill(1)];
        const round = sizes.map((n) => payload(n));
        await sendRounds(tx, got, [round]);
        expect(got.map((b) => b.length)).to.deep.equal(sizes);
        expect(sha256(got)).to.equal(sha256(round));
        if (C.UDP_SEGMENT !== undefined) expect(tx._segments, 'segmented sends in use').to.equal(64);
      });

      it('a route that refuses segmented sends gets one send a datagram, and nothing is lost', async function () {
        const { port, got } = await nodeReceiver();
        const tx = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port }));
        // Linux refuses UDP_SEGMENT (EINVAL) on a socket that sends without checksums.
        const SO_NO_CHECK = 11;
        if (C.UDP_SEGMENT === undefined || H.setsockopt(tx._fdHandle!, C.SOL_SOCKET!, SO_NO_CHECK, new Uint8Array(new Int32Array([1]).buffer)) < 0) {
          this.skip();
        }
        const rounds = [Array.from({ length: 100 }, () => payload(200)), Array.from({ length: 100 }, () => payload(200))];
        await sendRounds(tx, got, rounds);
        expect(sha256(got)).to.equal(sha256(rounds.flat()));
        expect(tx._segments, 'segmented sends switched off').to.equal(0);
      });

      it('a broadcast-enabled socket sends one by one', async function () {
        const { port, got } = await nodeReceiver();
        const tx = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: port, broadcast: true }));
        const round = Array.from({ length: 100 }, () => payload(64));
        await sendRounds(tx, got, [round]);
        expect(sha256(got)).to.equal(sha256(round));
        expect(tx._segments).to.equal(0);
      });
    });

    it('a connected socket labels every message with its peer', async function () {
      const a = await udp('127.0.0.1');
      const b = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', remoteHost: '127.0.0.1', remotePort: a.localPort! }));
      await a.connect('127.0.0.1', { port: b.localPort! });
      const got: Msg[] = [];
      a.on('data', (m: Msg) => got.push(m));
      for (let i = 0; i < 50; i++) b.write(Buffer.from([i]));
      await until(() => got.length === 50, 5000, '50 datagrams');
      expect(got.map((m) => m.data[0])).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
      for (const m of got) {
        expect(m.port).to.equal(b.localPort);
        expect(m.host!.toString()).to.equal('127.0.0.1');
      }
    });
  });
});
