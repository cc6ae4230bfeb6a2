/**
 * Send rings (native/send_ring.cc): byte-stream writes from 64 KiB to the ring's 1 MiB, and
 * every write while the ring holds bytes, are copied into a per-socket 1 MiB ring of slabs and
 * sent from libuv's thread pool; larger writes go from their own memory. Checked with real sockets and real peers: content and order (sha256), the copy
 * semantics of write callbacks, a full kernel (EAGAIN), end()/close() waiting for the ring,
 * aborts and peer resets mid-transfer, slabs going back to the cache, Unix streams, workers.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type * as net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { native } from '../../lib/native.js';
import { PollTimeoutError, SocketClosedError } from '../../lib/errors.js';
import {
  SocketConnectionResetError,
  SocketEndpointShutdownError,
  SocketError,
  makeSocket,
  makeSocketPair,
  type SocketStreamInternetActive,
  type SocketStreamLocalActive,
} from '../../lib/sockets/index.js';
import {
  Cleanup, fdTarget, iolibPair, netServer, payload, readAll, sha256, socketFdCount, turn, until, writeAll,
} from '../helpers/sockets.js';
import { requireTools, start } from '../helpers/processes.js';
import { gc } from '../helpers/collect.js';


const KiB = 1024;
const MiB = 1024 * KiB;
/** The ring's size in slabs (SendRing::kSlabs). */
const RING_SLABS = 4;

type Stream = SocketStreamInternetActive | SocketStreamLocalActive;
type WriteCallback = (err?: Error | null) => void;

const library = fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url));

/** Reads a stream to its end, hashing as it goes: byte count and sha256. */
function digest(stream: Readable): Promise<{ bytes: number; hash: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      h.update(chunk);
      bytes += chunk.length;
    });
    stream.once('end', () => resolve({ bytes, hash: h.digest('hex') }));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new Error(`stream closed before its end (after ${bytes} bytes)`));
    });
  });
}

/** Ends `client` and expects `got` (its peer's digest) to be exactly `parts`, in order. */
async function expectEndedWith(client: Writable, got: Promise<{ bytes: number; hash: string }>, parts: Buffer[]): Promise<void> {
  client.end();
  const r = await got;
  expect(r.bytes).to.equal(parts.reduce((n, p) => n + p.length, 0));
  expect(r.hash).to.equal(sha256(parts));
}

/** A write as a promise of its callback's error (undefined/null on success). */
function written(s: Writable, chunk: Buffer): Promise<Error | null | undefined> {
  return new Promise((resolve) => s.write(chunk, resolve));
}

/** Resolves at 'drain' or when the stream is closed (whichever first); never rejects. */
function drainOrClose(s: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}

/** A small deterministic generator (so a failure can be replayed). */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

/**
 * Collects until the count of held slabs stays the same for a few rounds: read pools that
 * earlier tests dropped have gone back, so they cannot change the count during a test.
 */
async function settleSlabs(): Promise<void> {
  let last = -1;
  for (let i = 0, same = 0; i < 30 && same < 3; i++) {
    gc();
    await turn();
    const held = native.readPoolStats()[1];
    same = held === last ? same + 1 : 0;
    last = held;
  }
}

/** Writes `data` as ring-sized (1 MiB) writes, each through the ring: a larger write would not take it. */
function writeRingSized(s: Writable, data: Buffer, callback?: () => void): void {
  for (let off = 0; off < data.length; off += MiB) {
    if (callback) s.write(data.subarray(off, off + MiB), callback);
    else s.write(data.subarray(off, off + MiB));
  }
}

describe('sockets: send rings (bulk stream writes through the thread pool)', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  let big: Buffer;
  let bigHash: string;
  before(function () {
    big = payload(32 * MiB);
    bigHash = sha256(big);
  });

  /**
   * A node:net server for one connection: `gotPeer` resolves with its end, paused from the
   * start with `paused` (it reads nothing until resumed).
   */
  async function netPeerServer(paused: boolean): Promise<{ server: Awaited<ReturnType<typeof netServer>>; gotPeer: Promise<net.Socket> }> {
    let accepted!: (s: net.Socket) => void;
    const gotPeer = new Promise<net.Socket>((resolve) => (accepted = resolve));
    const server = cleanup.add(await netServer('127.0.0.1', (s) => {
      if (paused) s.pause();
      accepted(s);
    }));
    return { server, gotPeer };
  }

  /**
   * An iolib client connected to a node:net server; resolves with both ends. `paused`: the
   * node:net end is paused from the start (it reads nothing until resumed).
   */
  async function toNetPeer(paused = false): Promise<{ client: SocketStreamInternetActive; peer: net.Socket }> {
    const { server, gotPeer } = await netPeerServer(paused);
    const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }));
    const peer = cleanup.add(await gotPeer);
    return { client, peer };
  }

  /** Writes `data` in `chunk`-sized writes (backpressure honoured) and ends; the first write must take the ring. */
  async function sendThroughRing(s: Stream, data: Buffer, chunk: number): Promise<void> {
    s.write(data.subarray(0, chunk));
    expect(s._ringInUse, 'the first write went to the send ring').to.equal(true);
    await writeAll(s, data.subarray(chunk), chunk);
    s.end();
  }

  describe('bulk content', function () {
    for (const [label, chunk] of [['64 KiB', 64 * KiB], ['1 MiB', MiB]] as const) {
      it(`32 MiB in ${label} writes to a node:net peer arrives whole (count and sha256)`, async function () {
        const { client, peer } = await toNetPeer();
        const got = digest(peer);
        await sendThroughRing(client, big, chunk);
        const { bytes, hash } = await got;
        expect(bytes).to.equal(big.length);
        expect(hash).to.equal(bigHash);
      });

      it(`32 MiB in ${label} writes from iolib to iolib arrives whole (count and sha256)`, async function () {
        const { client, conn } = await iolibPair(cleanup);
        const got = digest(conn);
        await sendThroughRing(client, big, chunk);
        const { bytes, hash } = await got;
        expect(bytes).to.equal(big.length);
        expect(hash).to.equal(bigHash);
      });
    }

    it('both ends sending 16 MiB at once through their rings (each also reading): no deadlock, both intact', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const a = big.subarray(0, 16 * MiB);
      const b = big.subarray(16 * MiB, 32 * MiB);
      const [atConn, atClient] = await Promise.all([digest(conn), digest(client), sendThroughRing(client, a, 256 * KiB), sendThroughRing(conn, b, 192 * KiB)]);
      expect(atConn.bytes).to.equal(a.length);
      expect(atConn.hash).to.equal(sha256(a));
      expect(atClient.bytes).to.equal(b.length);
      expect(atClient.hash).to.equal(sha256(b));
    });

    it('the upper threshold: a 1 MiB write takes the ring, a larger one goes from its own memory', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const got = digest(conn);
      const ringSized = big.subarray(0, MiB);
      const larger = big.subarray(MiB, 3 * MiB + 1);
      client.write(ringSized);
      expect(client._ringInUse, 'after 1 MiB').to.equal(true);
      await until(() => !client._ringInUse, 5000, 'the ring to drain');
      client.write(larger);
      expect(client._ringInUse, 'after 2 MiB + 1').to.equal(false);
      await expectEndedWith(client, got, [ringSized, larger]);
    });

    it('a corked batch takes the ring unless one of its chunks is larger than the ring', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const got = digest(conn);
      const pieces = big.subarray(0, 24 * 64 * KiB); // 1.5 MiB in 64 KiB chunks
      client.cork();
      for (let off = 0; off < pieces.length; off += 64 * KiB) client.write(pieces.subarray(off, off + 64 * KiB));
      client.uncork();
      expect(client._ringInUse, 'ring-sized chunks, 1.5 MiB in all').to.equal(true);
      await until(() => !client._ringInUse, 5000, 'the ring to drain');
      const head = Buffer.from('a head');
      const body = big.subarray(2 * MiB, 5 * MiB);
      client.cork();
      client.write(head);
      client.write(body);
      client.uncork();
      expect(client._ringInUse, 'a 3 MiB chunk in the batch').to.equal(false);
      await expectEndedWith(client, got, [pieces, head, body]);
    });

    for (const peerKind of ['node:net', 'iolib'] as const) {
      it(`32 MiB in 4 MiB writes (larger than the ring) to ${peerKind === 'iolib' ? 'an iolib' : 'a node:net'} peer: sent from their own memory, whole, and close() waits for them`, async function () {
        const { client, reader } = peerKind === 'iolib' ? await iolibPair(cleanup).then(({ client, conn }) => ({ client, reader: conn as Readable })) : await toNetPeer().then(({ client, peer }) => ({ client, reader: peer as Readable }));
        const got = digest(reader);
        let ringSeen = false;
        for (let off = 0; off < big.length; off += 4 * MiB) {
          client.write(big.subarray(off, off + 4 * MiB));
          ringSeen ||= client._ringInUse;
        }
        expect(ringSeen, 'a write larger than the ring went to the ring').to.equal(false);
        await client.close();
        const r = await got;
        expect(r.bytes).to.equal(big.length);
        expect(r.hash).to.equal(bigHash);
      });
    }

    it('the threshold: a 65,535-byte write goes to the kernel directly, a 65,536-byte one takes the ring', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const got = digest(conn);
      const below = big.subarray(0, 65535);
      const at = big.subarray(65535, 65535 + 65536);
      client.write(below);
      expect(client._ringInUse, 'after 65,535 bytes').to.equal(false);
      client.write(at);
      expect(client._ringInUse, 'after 65,536 bytes').to.equal(true);
      await expectEndedWith(client, got, [below, at]);
    });

    it('a Unix stream socket pair carries 8 MiB in 128 KiB writes (sha256)', async function () {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      const data = big.subarray(0, 8 * MiB);
      const got = digest(b);
      await sendThroughRing(a, data, 128 * KiB);
      const { bytes, hash } = await got;
      expect(bytes).to.equal(data.length);
      expect(hash).to.equal(sha256(data));
    });
  });

  describe('order and copy semantics', function () {
    it('big (ring) and small (direct) writes, callbacks, awaits and corked batches interleave in order', async function () {
      const { client, peer } = await toNetPeer();
      const got = digest(peer);
      const rand = prng(12345);
      const sent = createHash('sha256');
      let total = 0;
      let smallWhileRing = 0;
      let smallDirect = 0;
      let ringBatches = 0;
      const send = (b: Buffer, cb?: WriteCallback): boolean => {
        sent.update(b);
        total += b.length;
        return cb ? client.write(b, cb) : client.write(b);
      };
      const small = (): void => {
        const ringing = client._ringInUse;
        send(payload(1 + rand(100)));
        if (ringing) smallWhileRing++;
        else if (client.writableLength === 0) smallDirect++; // taken by the kernel at once
      };
      for (let i = 0; i < 400; i++) {
        switch (rand(7)) {
          case 0:
            send(payload(64 * KiB + rand(64 * KiB)));
            break;
          case 1: {
            // Its callback runs once copied; the ring still holds the bytes then.
            const b = payload(64 * KiB + rand(128 * KiB));
            sent.update(b);
            total += b.length;
            const err = await written(client, b);
            expect(err ?? null).to.equal(null);
            small();
            small();
            break;
          }
          case 2:
            small();
            break;
          case 3:
            small();
            await turn();
            break;
          case 4: {
            // A corked batch of chunks each under the threshold whose total reaches it: one
            // writev to the ring.
            client.cork();
            for (let k = 0; k < 8; k++) send(payload(1 + rand(100)));
            send(payload(64 * KiB - 8 + rand(8)));
            process.nextTick(() => {
              client.uncork();
              if (client._ringInUse) ringBatches++;
            });
            break;
          }
          case 5:
            // The ring drained: the next small write goes straight to the kernel again.
            await until(() => !client._ringInUse, 5000, 'the ring to drain');
            small();
            break;
          default:
            if (client.writableNeedDrain) await drainOrClose(client);
        }
      }
      client.end();
      const r = await got;
      expect(r.bytes).to.equal(total);
      expect(r.hash).to.equal(sent.digest('hex'));
      expect(smallWhileRing, 'small writes made while the ring held bytes').to.be.greaterThan(10);
      expect(smallDirect, 'small writes sent directly').to.be.greaterThan(10);
      expect(ringBatches).to.be.greaterThan(10);
    });

    it('a Buffer refilled and rewritten inside each write callback: the peer sees every round', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const size = 256 * KiB;
      const rounds = 64;
      const buf = Buffer.alloc(size);
      const got = readAll(conn);
      await new Promise<void>((resolve, reject) => {
        let round = 0;
        const next = () => {
          buf.fill(round + 1);
          client.write(buf, (err) => {
            if (err) return reject(err);
            if (++round === rounds) resolve();
            else next(); // the same Buffer, refilled at once: the ring must have copied it
          });
        };
        next();
      });
      client.end();
      const all = await got;
      expect(all.length).to.equal(size * rounds);
      for (let i = 0; i < rounds; i++) {
        const part = all.subarray(i * size, (i + 1) * size);
        expect(part.equals(Buffer.alloc(size, i + 1)), `round ${i}`).to.equal(true);
      }
    });

    it('a write that waited for ring room (kernel full, peer paused) is copied whole before its callback', async function () {
      const { client, peer } = await toNetPeer(true);
      // Ring-sized writes until the ring meets a full kernel: the next write must wait for room.
      writeRingSized(client, big.subarray(0, 8 * MiB));
      await until(() => client._ringBlocked, 5000, 'the kernel to fill (EAGAIN)');
      const buf = Buffer.from(big.subarray(8 * MiB, 9 * MiB)); // a copy: the callback overwrites it
      let called = false;
      const done = new Promise<Error | null | undefined>((resolve) => client.write(buf, (err) => {
        called = true;
        // Mutated as soon as the callback runs, then sent again.
        buf.fill(0xee);
        client.write(buf);
        client.end();
        resolve(err);
      }));
      await turn();
      expect(called, 'callback before the whole write was copied').to.equal(false);
      const got = digest(peer);
      peer.resume();
      expect((await done) ?? null).to.equal(null);
      const r = await got;
      expect(r.bytes).to.equal(10 * MiB);
      const want = createHash('sha256');
      want.update(big.subarray(0, 9 * MiB));
      want.update(Buffer.alloc(MiB, 0xee));
      expect(r.hash).to.equal(want.digest('hex'));
    });

    // A ring job that finishes sending before its own start is reported must not be reported
    // as drained: the socket would then write directly while a report is still to come, which
    // lands on whatever write state it has by then (a remainder waiting for writability went
    // into the ring while the state kept waiting with no list: a direct write could overtake
    // it, and the next writable event read the list as null, the relay's one-off "Cannot read
    // properties of null"). On one CPU the pool
    // thread woken by a job's start runs first, which made such early reports a few per MiB.
    it('a ring report comes only while the ring is in use: ring and direct writes to a slow Unix reader, on one CPU', async function () {
      requireTools(this, 'taskset');
      const script = `const { makeSocket } = await import(${JSON.stringify(library)});
        const { createHash, randomBytes } = await import('node:crypto');
        const { rmSync } = await import('node:fs');
        const TOTAL = 16 << 20;
        const data = randomBytes(TOTAL);
        const want = createHash('sha256').update(data).digest('hex');
        let late = 0;
        const hashes = [];
        for (let round = 0; round < 4; round++) {
          const path = ${JSON.stringify(tmpdir())} + '/iolib-ring-' + process.pid + '-' + round;
          const server = await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path });
          const writer = await makeSocket({ addressFamily: 'local', remoteFilename: path });
          const reader = await server.acceptConnection();
          const report = writer._onNativeWritten;
          writer._onNativeWritten = function (result) {
            if (!this._ringInUse) late++;
            return report.call(this, result);
          };
          const h = createHash('sha256');
          let got = 0;
          const done = new Promise((resolve, reject) => {
            reader.on('error', reject);
            writer.on('error', reject);
            reader.on('data', (chunk) => {
              h.update(chunk);
              if ((got += chunk.length) === TOTAL) resolve();
              else if (Math.random() < 0.2) {
                reader.pause();
                setTimeout(() => reader.resume(), Math.random() * 2);
              }
            });
          });
          // As a relay writes: whenever data comes, whatever the write state, every fourth write
          // ring-sized.
          let at = 0;
          for (let k = 0; at < TOTAL; k++) {
            if (writer.writableLength < 262144) {
              const n = k % 4 === 0 ? 65536 + Math.floor(Math.random() * 131072) : 1 + Math.floor(Math.random() * 16384);
              writer.write(data.subarray(at, (at = Math.min(TOTAL, at + n))));
            }
            await new Promise((resolve) => setImmediate(resolve));
          }
          await done;
          hashes.push(h.digest('hex'));
          writer.destroy();
          reader.destroy();
          await server.close();
          rmSync(path, { force: true });
        }
        console.log(JSON.stringify({ late, intact: hashes.every((x) => x === want) }));`;
      const r = await start('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], { timeoutMs: 120_000 }).done;
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout.toString())).to.deep.equal({ late: 0, intact: true });
    });
  });

  describe('a full kernel (EAGAIN) and backpressure', function () {
    /** Writes 16 MiB in 128 KiB writes honouring backpressure, the reader held until the ring blocks. */
    async function slowPeer(client: Stream, reader: Readable, resumeReader: () => void): Promise<void> {
      const data = big.subarray(0, 16 * MiB);
      let sawFalse = false;
      let accepted = 0;
      const writing = (async () => {
        for (let off = 0; off < data.length; off += 128 * KiB) {
          accepted = off;
          if (!client.write(data.subarray(off, off + 128 * KiB))) {
            sawFalse = true;
            await once(client, 'drain');
          }
        }
        client.end();
      })();
      await until(() => client._ringBlocked, 5000, 'the send ring to meet a full kernel');
      // The writer is held back by backpressure, not buffering everything.
      await until(() => client.writableNeedDrain, 5000, 'the writer to wait for drain');
      expect(accepted, 'bytes handed over while the reader was paused').to.be.lessThan(data.length / 2);
      const got = digest(reader);
      resumeReader();
      await writing;
      const r = await got;
      expect(sawFalse, 'write() returned false').to.equal(true);
      expect(r.bytes).to.equal(data.length);
      expect(r.hash).to.equal(sha256(data));
    }

    it('a paused node:net peer: 16 MiB arrive intact once it resumes', async function () {
      const { client, peer } = await toNetPeer(true);
      await slowPeer(client, peer, () => peer.resume());
    });

    it('an iolib reader that does not read yet: 16 MiB arrive intact once it reads', async function () {
      const { client, conn } = await iolibPair(cleanup);
      // No 'data' listener yet: the reader's watcher stops once its readable buffer is full.
      await slowPeer(client, conn, () => {});
    });
  });

  describe('end() and close() wait for the ring', function () {
    it('end() right after big writes: the node:net peer gets every byte, then its end', async function () {
      const { client, peer } = await toNetPeer();
      const got = digest(peer);
      const a = big.subarray(0, 6 * MiB);
      const b = big.subarray(6 * MiB, 9 * MiB);
      client.write(a);
      client.write(b);
      client.write(Buffer.from('tail'));
      client.end();
      const finished = once(client, 'finish');
      const r = await got;
      await finished;
      expect(r.bytes).to.equal(9 * MiB + 4);
      expect(r.hash).to.equal(sha256([a, b, Buffer.from('tail')]));
    });

    it('end() while the ring waits for a full kernel: the peer gets everything once it reads', async function () {
      const { client, peer } = await toNetPeer(true);
      const data = big.subarray(0, 12 * MiB);
      writeRingSized(client, data);
      client.end();
      await until(() => client._ringBlocked, 5000, 'the kernel to fill');
      let finished = false;
      client.once('finish', () => (finished = true));
      await turn();
      expect(finished, "'finish' before the ring drained").to.equal(false);
      const got = digest(peer);
      peer.resume();
      const r = await got;
      expect(r.bytes).to.equal(data.length);
      expect(r.hash).to.equal(sha256(data));
      await until(() => finished, 5000, "'finish'");
    });

    it('graceful close() right after big writes: the iolib peer reads everything, then the end', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const got = digest(conn);
      const data = big.subarray(0, 12 * MiB);
      for (let off = 0; off < data.length; off += MiB) client.write(data.subarray(off, off + MiB));
      expect(client._ringInUse).to.equal(true);
      await client.close();
      expect(client.fd).to.equal(-1);
      const r = await got;
      expect(r.bytes).to.equal(data.length);
      expect(r.hash).to.equal(sha256(data));
    });

    it('graceful close() right after big writes to a node:net peer', async function () {
      const { client, peer } = await toNetPeer();
      const got = digest(peer);
      const data = big.subarray(0, 8 * MiB);
      client.write(data);
      await client.close();
      const r = await got;
      expect(r.bytes).to.equal(data.length);
      expect(r.hash).to.equal(sha256(data));
    });
  });

  describe('abort and peer failures', function () {
    /**
     * Starts 1 MiB writes with callbacks (backpressure honoured) of `big` until stopped;
     * records each callback's outcome and when it came.
     */
    function pumpWithCallbacks(client: Stream) {
      const state = {
        stop: false,
        aborted: false,
        writes: 0,
        callbacks: 0,
        okBytes: 0,
        okAfterAbort: 0,
        errors: [] as Error[],
        done: Promise.resolve(),
      };
      cleanup.add(() => (state.stop = true)); // a failed test leaves no writer running
      state.done = (async () => {
        for (let i = 0; !state.stop && !client.destroyed; i = (i + 1) % 32) {
          state.writes++;
          const ok = client.write(big.subarray(i * MiB, (i + 1) * MiB), (err) => {
            state.callbacks++;
            if (err) state.errors.push(err);
            else {
              state.okBytes += MiB;
              if (state.aborted) state.okAfterAbort++;
            }
          });
          if (!ok) await drainOrClose(client);
          if (state.writes % 16 === 0) await turn(); // never starves I/O, even if writes completed at once
        }
      })();
      return state;
    }

    for (const reading of [true, false]) {
      it(`close({ abort: true }) mid-transfer (${reading ? 'peer reading: a job likely running' : 'peer paused: ring blocked'}): no late successes, and the ring's bytes still reach the peer before the fd closes`, async function () {
        const { client, peer } = await toNetPeer(!reading);
        const fd = client.fd;
        const target = fdTarget(fd);
        expect(target).to.match(/^socket:/);
        const chunks: Buffer[] = [];
        let received = 0;
        peer.on('data', (d: Buffer) => {
          if (received < 256 * MiB) chunks.push(d); // bounded, even if the abort never comes
          received += d.length;
        });
        peer.on('error', () => {});
        const clientErrors: Error[] = [];
        client.on('error', (e) => clientErrors.push(e));
        const pump = pumpWithCallbacks(client);
        if (reading) await until(() => received >= 4 * MiB, 5000, '4 MiB at the peer');
        else await until(() => client._ringBlocked, 5000, 'the ring to block');
        expect(client._ringInUse).to.equal(true);
        pump.aborted = true;
        pump.stop = true;
        await client.close({ abort: true });
        expect(client.fd).to.equal(-1);
        // Right away, while a job may still use the old fd: new sockets must not get its number.
        const [x, y] = makeSocketPair();
        cleanup.add(x);
        cleanup.add(y);
        await pump.done;
        await until(() => pump.callbacks === pump.writes, 5000, 'every write callback');
        expect(pump.okAfterAbort, 'successful callbacks after the abort').to.equal(0);
        expect(clientErrors, "'error' events after an abort").to.deep.equal([]);
        expect(pump.errors.length, 'writes that failed with the abort').to.be.greaterThan(0);
        // The ring goes on sending what it holds (those writes completed) once the peer reads,
        // and closes the fd when it is empty.
        if (!reading) peer.resume();
        await until(() => fdTarget(fd) !== target, 5000, 'the aborted socket fd to be closed');
        // The peer sees every completed write and a prefix of the rest (nothing from a freed or
        // reused slab), and the end.
        await until(() => peer.readableEnded || peer.destroyed, 5000, 'the peer to see the end');
        const all = Buffer.concat(chunks);
        expect(all.length).to.be.at.most(pump.okBytes + MiB);
        expect(all.length, 'bytes at the peer: at least every completed write').to.be.at.least(pump.okBytes);
        for (let off = 0; off < all.length; off += big.length) {
          const part = all.subarray(off, off + big.length);
          expect(part.equals(big.subarray(0, part.length)), `the peer got a prefix of the stream (at ${off})`).to.equal(true);
        }
        // Nothing leaked into the sockets that may have reused descriptors meanwhile.
        expect(await x.receiveFrom({ dontWait: true, size: 16 })).to.equal(null);
        expect(await y.receiveFrom({ dontWait: true, size: 16 })).to.equal(null);
      });
    }

    /** Waits for the typed error a reset peer causes, checks it, and that the fd is released. */
    async function expectResetError(client: Stream, pump: ReturnType<typeof pumpWithCallbacks>, events: Error[], fd: number, target: string | null) {
      await until(() => events.length > 0 || pump.errors.length > 0, 5000, 'an error from the reset');
      pump.stop = true;
      await pump.done;
      await until(() => pump.callbacks === pump.writes, 5000, 'every write callback');
      const all = [...events, ...pump.errors];
      const typed = all.filter((e) => e instanceof SocketError);
      expect(typed.length, `typed errors among ${all.map((e) => e.message).join('; ')}`).to.be.greaterThan(0);
      for (const e of typed) {
        expect(e.constructor.name, e.message).to.be.oneOf(['SocketConnectionResetError', 'SocketEndpointShutdownError']);
        expect(e instanceof SocketConnectionResetError || e instanceof SocketEndpointShutdownError).to.equal(true);
      }
      // The first failure anyone saw is the socket's own, not a generic stream error.
      expect(all[0]).to.be.instanceOf(SocketError);
      await until(() => client.destroyed, 5000, 'the writer to be destroyed');
      await until(() => fdTarget(fd) !== target, 5000, 'the fd to be released');
      expect(client.fd).to.equal(-1);
    }

    it('a node:net peer reset mid-transfer: a typed error, no crash, fd released', async function () {
      const { client, peer } = await toNetPeer();
      const fd = client.fd;
      const target = fdTarget(fd);
      const events: Error[] = [];
      client.on('error', (e) => events.push(e));
      let received = 0;
      peer.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= 2 * MiB && !peer.destroyed) peer.resetAndDestroy();
      });
      const pump = pumpWithCallbacks(client);
      await expectResetError(client, pump, events, fd, target);
    });

    it('an iolib peer closing with linger 0 mid-transfer: a typed error, no crash, fd released', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const fd = client.fd;
      const target = fdTarget(fd);
      const events: Error[] = [];
      client.on('error', (e) => events.push(e));
      let received = 0;
      conn.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= 2 * MiB && conn.isOpen()) {
          conn.setOption('linger', { onoff: true, linger: 0 });
          void conn.close({ abort: true });
        }
      });
      const pump = pumpWithCallbacks(client);
      await expectResetError(client, pump, events, fd, target);
    });

    it("a reset while end() waits for the ring (every write already called back) fails the stream: typed 'error', no 'finish'", async function () {
      const { client, peer } = await toNetPeer(true);
      // 64 KiB writes, each into an empty ring (so it always fits), until the kernel is full:
      // then the ring holds bytes that no pending write owns.
      let sent = 0;
      while (!client._ringBlocked) {
        expect(sent, 'bytes written before the kernel filled').to.be.lessThan(big.length);
        const err = await written(client, big.subarray(sent, sent + 64 * KiB));
        expect(err ?? null).to.equal(null);
        sent += 64 * KiB;
        await until(() => client._ringBlocked || !client._ringInUse, 5000, 'the ring to drain or block');
      }
      expect(client._pending, 'no write waits for room').to.equal(null);
      let finished = false;
      client.once('finish', () => (finished = true));
      const errored = once(client, 'error');
      client.end();
      await turn();
      expect(finished, "'finish' with the ring still full").to.equal(false);
      peer.resetAndDestroy();
      const [err] = (await errored) as [SocketError];
      expect(err).to.be.instanceOf(SocketError);
      expect(err.constructor.name).to.be.oneOf(['SocketConnectionResetError', 'SocketEndpointShutdownError']);
      await until(() => client.destroyed, 5000, 'the writer to be destroyed');
      expect(finished, "'finish' after bytes were lost").to.equal(false);
    });

    it('a single 32 MiB write still waiting for ring room when the peer resets gets the error in its callback', async function () {
      const { client, peer } = await toNetPeer();
      const events: Error[] = [];
      client.on('error', (e) => events.push(e));
      let received = 0;
      peer.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= MiB && !peer.destroyed) peer.resetAndDestroy();
      });
      const err = await written(client, big);
      expect(received, 'the peer had not received it all').to.be.lessThan(big.length);
      expect(err, 'the callback of the unfinished write').to.be.instanceOf(SocketError);
      expect(err!.constructor.name).to.be.oneOf(['SocketConnectionResetError', 'SocketEndpointShutdownError']);
      await until(() => client.destroyed, 5000, 'the writer to be destroyed');
      for (const e of events) expect(e).to.be.instanceOf(SocketError);
    });
  });

  describe('lifetime', function () {
    it('a socket dropped right after end() with its ring still full stays alive until every byte is sent', async function () {
      const { server, gotPeer } = await netPeerServer(true);
      const data = big.subarray(0, 12 * MiB);
      // Made, written and dropped in a function of its own: no frame keeps the socket.
      const blocked = await (async () => {
        const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port });
        writeRingSized(client, data);
        client.end();
        await until(() => client._ringBlocked, 5000, 'the ring to block');
        return true;
      })();
      expect(blocked).to.equal(true);
      const peer = cleanup.add(await gotPeer);
      for (let i = 0; i < 3; i++) {
        gc();
        await turn();
      }
      const got = digest(peer);
      peer.resume();
      const timer = setInterval(gc, 2); // collections all along the transfer
      try {
        const r = await got;
        expect(r.bytes).to.equal(data.length);
        expect(r.hash).to.equal(sha256(data));
      } finally {
        clearInterval(timer);
      }
    });
  });

  describe('a closed socket\'s ring still sends what it holds (its writes completed)', function () {
    for (const size of [64 * KiB, 256 * KiB, MiB]) {
      for (const mode of ['write(data, () => destroy())', 'end(data); destroy()'] as const) {
        it(`${mode} with ${size / KiB} KiB: the peer gets every byte (sha256), as from node:net`, async function () {
          for (let round = 0; round < 3; round++) {
            const { client, peer } = await toNetPeer();
            const data = big.subarray(round * size, (round + 1) * size);
            const got = digest(peer);
            const fd = client.fd;
            const target = fdTarget(fd);
            if (mode === 'end(data); destroy()') {
              client.end(data);
              expect(client._ringInUse, 'the write went to the ring').to.equal(true);
              client.destroy();
            } else {
              await new Promise<void>((resolve) => client.write(data, () => resolve()));
              client.destroy();
            }
            const r = await got;
            expect(r.bytes).to.equal(data.length);
            expect(r.hash).to.equal(sha256(data));
            await until(() => fdTarget(fd) !== target, 5000, 'the fd to be closed once the ring drained');
          }
        });
      }
    }

    it('gives up on a peer that never reads once no byte has left for the drain timeout: fd closed, slabs back', async function () {
      await settleSlabs();
      native.setRingDrainTimeout(300);
      cleanup.add(() => native.setRingDrainTimeout(10_000));
      const { client, peer } = await toNetPeer(true);
      const before = native.readPoolStats()[1];
      writeRingSized(client, big.subarray(0, 8 * MiB), () => {});
      client.on('error', () => {});
      await until(() => client._ringBlocked, 5000, 'the ring to fill up and block');
      const fd = client.fd;
      const target = fdTarget(fd);
      const t0 = performance.now();
      client.destroy();
      await once(client, 'close');
      expect(fdTarget(fd), 'the fd stays while the ring waits for the peer').to.equal(target);
      await until(() => fdTarget(fd) !== target, 5000, 'the fd to be closed after the drain timeout');
      expect(performance.now() - t0, 'closed after the timeout, not before').to.be.at.least(290);
      expect(native.readPoolStats()[1]).to.be.at.most(before);
      // The peer then reads a prefix of the stream and its end.
      const chunks: Buffer[] = [];
      peer.on('data', (d: Buffer) => chunks.push(d));
      peer.resume();
      await once(peer, 'end');
      const all = Buffer.concat(chunks);
      expect(all.equals(big.subarray(0, all.length)), 'a prefix of what was written').to.equal(true);
    });

    it('resetAndDestroy() (SO_LINGER 0) drops what the ring holds: the fd closes at once, with the peer not reading', async function () {
      const { client, peer } = await toNetPeer(true);
      peer.on('error', () => {});
      writeRingSized(client, big.subarray(0, 8 * MiB), () => {});
      client.on('error', () => {});
      await until(() => client._ringBlocked, 5000, 'the ring to fill up and block');
      const fd = client.fd;
      const target = fdTarget(fd);
      client.resetAndDestroy();
      await once(client, 'close');
      expect(fdTarget(fd), 'the fd closed with the socket').to.not.equal(target);
    });

    it('a process that ends by running out of work after destroy() still sends every completed ring write (sha256)', async function () {
      const { server, gotPeer } = await netPeerServer(true); // the kernel fills, so the ring holds bytes when the child destroys
      // The same bytes made on both sides (a pipe to the child would be non-blocking for readFileSync).
      const fill = '(n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (Math.imul(i, 2654435761) >>> 24) & 255; return b; }';
      const data = (eval(fill) as (n: number) => Buffer)(8 * MiB);
      // No process.exit(): the child ends once its loop has no more work.
      const child = start(process.execPath, ['--input-type=module', '-e', `
        const { makeSocket } = await import(${JSON.stringify(library)});
        const data = (${fill})(${8 * MiB});
        const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: ${server.port} });
        let completed = 0;
        for (let off = 0; off < data.length; off += 1 << 20) client.write(data.subarray(off, off + (1 << 20)), (err) => { if (!err) completed += 1 << 20; });
        client.end();
        const poll = () => {
          if (!client._ringBlocked) return setImmediate(poll);
          console.log(completed);
          client.destroy();
        };
        poll();`]);
      // The peer reads only once the child has destroyed its socket (and printed): reading
      // earlier, it could keep the ring from ever blocking.
      const destroyed = child.line(/^(\d+)$/m, 20_000);
      const peer = cleanup.add(await gotPeer);
      const [, printed] = await destroyed;
      const got = digest(peer);
      peer.resume();
      const finished = await child.done;
      expect(finished.code, finished.stderr).to.equal(0);
      const completed = Number(printed);
      expect(completed, 'writes completed (copied into the ring) before destroy()').to.be.greaterThan(0);
      // Every completed write arrives; writes still queued in the stream are dropped, as by node:net.
      const r = await got;
      expect(r.bytes).to.be.at.least(completed);
      expect(r.hash).to.equal(sha256(data.subarray(0, r.bytes)));
    });

    it('a worker terminated while a closed socket\'s ring waits for its peer: no crash, the fd closed', async function () {
      const { server, gotPeer } = await netPeerServer(true);
      const code = `
        const { parentPort, workerData } = require('node:worker_threads');
        import(${JSON.stringify(library)}).then(async ({ makeSocket }) => {
          const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: workerData.port });
          const chunk = Buffer.alloc(1 << 20, 7);
          for (let i = 0; i < 8; i++) client.write(chunk);
          const poll = () => {
            if (!client._ringBlocked) return setImmediate(poll);
            const fd = client.fd;
            client.destroy();
            parentPort.postMessage(fd);
          };
          poll();
        });`;
      const worker = new Worker(code, { eval: true, workerData: { port: server.port } });
      const [fd] = (await once(worker, 'message')) as [number];
      const peer = cleanup.add(await gotPeer);
      const target = fdTarget(fd);
      expect(target, 'the closed socket\'s fd is kept while its ring waits').to.match(/^socket:/);
      const exited = once(worker, 'exit');
      await worker.terminate();
      await exited;
      await until(() => fdTarget(fd) !== target, 5000, 'the worker\'s draining fd to be closed');
      peer.destroy();
    });
  });

  describe('slabs', function () {
    it('the ring takes its slabs from the read pools\' cache and gives them all back once drained', async function () {
      // Sent to a node:net peer, so no iolib read pool is made or dropped meanwhile; a
      // collection first lets pools left by earlier tests go back before counting.
      await settleSlabs();
      const { client, peer } = await toNetPeer(true);
      const before = native.readPoolStats()[1];
      const data = big.subarray(0, 16 * MiB);
      writeRingSized(client, data);
      client.end();
      await until(() => client._ringBlocked, 5000, 'the ring to fill up and block');
      const full = native.readPoolStats()[1];
      expect(full - before, 'slabs held by a full ring').to.equal(RING_SLABS);
      const finished = once(client, 'finish'); // after the ring drained (end() waits for it)
      const got = digest(peer);
      peer.resume();
      await finished;
      const after = native.readPoolStats()[1];
      expect(after, 'slabs held after the ring drained').to.be.at.most(before);
      expect(full - after, 'slabs given back').to.be.at.least(RING_SLABS);
      const r = await got;
      expect(r.hash).to.equal(sha256(data));
    });

    for (const end of ['the peer reads it all', 'the peer resets'] as const) {
      it(`an aborted ring gives its slabs back too, once it drained (${end})`, async function () {
        await settleSlabs();
        const { client, peer } = await toNetPeer(true);
        const before = native.readPoolStats()[1];
        writeRingSized(client, big.subarray(0, 8 * MiB), () => {});
        client.on('error', () => {});
        peer.on('error', () => {});
        await until(() => client._ringBlocked, 5000, 'the ring to fill up and block');
        expect(native.readPoolStats()[1] - before).to.equal(RING_SLABS);
        const fd = client.fd;
        const target = fdTarget(fd);
        await client.close({ abort: true });
        expect(native.readPoolStats()[1] - before, 'slabs held while the ring drains').to.equal(RING_SLABS);
        if (end === 'the peer reads it all') peer.resume();
        else peer.resetAndDestroy();
        await until(() => fdTarget(fd) !== target, 5000, 'the fd to be closed');
        expect(native.readPoolStats()[1]).to.be.at.most(before);
      });
    }
  });

  describe('worker threads', function () {
    for (const reading of [true, false]) {
      it(`a worker terminated mid ring transfer (${reading ? 'peer reading' : 'ring blocked'}): no crash, fds closed`, async function () {
        const before = socketFdCount();
        const code = `
          const { parentPort } = require('node:worker_threads');
          import(${JSON.stringify(library)}).then(async ({ makeSocket }) => {
            const server = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
            const accepted = server.acceptConnection();
            const client = await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort });
            const conn = await accepted;
            const chunk = Buffer.alloc(1 << 20, 7);
            let told = false;
            const tell = () => {
              if (told) return;
              told = true;
              parentPort.postMessage({ ringInUse: client._ringInUse, ringBlocked: client._ringBlocked });
            };
            let received = 0;
            if (${reading}) {
              conn.on('data', (d) => {
                received += d.length;
                if (received >= 4 << 20) tell();
              });
            } else {
              const poll = () => (client._ringBlocked ? tell() : setImmediate(poll));
              poll();
            }
            const pump = () => {
              while (client.write(chunk)) {}
              client.once('drain', pump);
            };
            pump();
          });`;
        const worker = new Worker(code, { eval: true });
        const [state] = (await once(worker, 'message')) as [{ ringInUse: boolean; ringBlocked: boolean }];
        expect(state.ringInUse, 'the worker socket was using its ring').to.equal(true);
        if (!reading) expect(state.ringBlocked).to.equal(true);
        const exited = once(worker, 'exit');
        await worker.terminate();
        await exited;
        await until(() => socketFdCount() === before, 5000, "the worker's sockets to be closed");
        // The main thread's own rings still work.
        const [a, b] = makeSocketPair();
        cleanup.add(a);
        cleanup.add(b);
        const got = digest(b);
        a.end(big.subarray(0, 2 * MiB));
        expect((await got).hash).to.equal(sha256(big.subarray(0, 2 * MiB)));
      });
    }
  });
  describe('direct sends after ring writes keep their place', function () {
    it('sendFileDescriptor right after a 256 KiB write: the fd arrives after every byte of it', async () => {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      const data = payload(256 * KiB);
      await new Promise<void>((resolve, reject) => a.write(data, (err) => (err ? reject(err) : resolve())));
      expect(a._ringInUse, 'the write is still in the ring when sendFileDescriptor is called').to.equal(true);
      const passed = openSync('/dev/null', 'r');
      cleanup.add(() => closeSync(passed));
      const sending = a.sendFileDescriptor(passed);
      // The receiver takes messages until the fd comes: every byte of the write must come first.
      const before: Buffer[] = [];
      let fds: number[] = [];
      while (fds.length === 0) {
        const m = await b.receiveMessage({ size: 64 * KiB });
        if (m === null) throw new Error('no message');
        before.push(m.data);
        fds = m.fds;
      }
      await sending;
      for (const fd of fds) closeSync(fd);
      const got = Buffer.concat(before);
      expect(got.length, 'bytes received up to and with the fd').to.equal(data.length + 1);
      expect(sha256(got.subarray(0, data.length))).to.equal(sha256(data));
    });

    it('sendTo right after ring writes on TCP: its bytes follow theirs (sha256)', async () => {
      const { client, peer } = await toNetPeer();
      const received = readAll(peer);
      const bulk = payload(3 * MiB);
      const tail = Buffer.from('the tail sent with sendTo');
      writeRingSized(client, bulk);
      expect(client._ringInUse).to.equal(true);
      expect(await client.sendTo(tail)).to.equal(tail.length);
      client.end();
      const got = await received;
      expect(got.length).to.equal(bulk.length + tail.length);
      expect(sha256(got)).to.equal(sha256(Buffer.concat([bulk, tail])));
    });

    it('shutdown({ write: true }) right after ring writes: the peer gets every byte, then its end', async () => {
      const { client, peer } = await toNetPeer();
      const received = readAll(peer);
      const bulk = payload(3 * MiB);
      writeRingSized(client, bulk);
      expect(client._ringInUse).to.equal(true);
      expect(client.shutdown({ write: true })).to.equal(client);
      const got = await received;
      expect(got.length).to.equal(bulk.length);
      expect(sha256(got)).to.equal(sha256(bulk));
    });

    it('sendTo({ dontWait: true }) while the ring holds bytes fails at once with EAGAIN instead of overtaking them', async () => {
      const { client, peer } = await toNetPeer(true);
      writeRingSized(client, payload(2 * MiB));
      expect(client._ringInUse).to.equal(true);
      const err = await client.sendTo(Buffer.from('x'), { dontWait: true }).then(() => null, (e: Error) => e);
      expect(err, 'sendTo rejected').to.be.instanceOf(SocketError);
      expect((err as SocketError).code).to.equal('EAGAIN');
      // Aborted before the peer goes: a reset would fail the ring's pending bytes ('error').
      await client.close({ abort: true });
      expect(peer.destroyed).to.equal(false);
    });

    it('sendTo waiting for a blocked ring honours its timeout, and close() fails a waiting sendTo with SocketClosedError', async () => {
      const { client } = await toNetPeer(true);
      writeRingSized(client, payload(16 * MiB));
      await until(() => client._ringBlocked, 5000, 'the ring to meet a full kernel');
      const timedOut = await client.sendTo(Buffer.from('x'), { timeout: 50 }).then(() => null, (e: Error) => e);
      expect(timedOut).to.be.instanceOf(PollTimeoutError);
      const waiting = client.sendTo(Buffer.from('y')).then(() => null, (e: Error) => e);
      await client.close({ abort: true });
      expect(await waiting).to.be.instanceOf(SocketClosedError);
    });
  });

  describe('the write state (StreamWriter) is made only while a write holds something', function () {
    it('none while idle or while the kernel takes every write; one while a remainder waits or the ring holds bytes; none again after', async function () {
      const { client, peer } = await toNetPeer(true);
      const sent: Buffer[] = [];
      const write = (b: Buffer, cb?: WriteCallback) => {
        sent.push(b);
        return cb ? client.write(b, cb) : client.write(b);
      };
      expect(client._writer, 'idle').to.equal(null);
      expect(client._extra, 'idle').to.equal(null);
      for (let i = 0; i < 16; i++) write(big.subarray(i * KiB, (i + 1) * KiB));
      await new Promise<void>((resolve) => write(big.subarray(16 * KiB, 17 * KiB), () => resolve()));
      expect(client._writer, 'small writes the kernel took').to.equal(null);
      expect(client._extra, 'small writes the kernel took').to.equal(null);
      // The peer reads nothing: 32 KiB writes (direct, below the ring's threshold) fill the kernel.
      for (let i = 0; client._writer === null; i++) {
        expect(i, 'the kernel filled up').to.be.below(4096);
        write(big.subarray(i * 32 * KiB % (16 * MiB), (i * 32 * KiB % (16 * MiB)) + 32 * KiB));
      }
      expect(client._writer!.state).to.equal('waiting');
      expect(client._ringInUse).to.equal(false);
      const got = digest(peer);
      peer.resume();
      await until(() => client._writer === null, 5000, 'the remainder to go');
      write(big.subarray(0, MiB));
      expect(client._writer?.state, 'a 1 MiB write').to.be.oneOf(['ring', 'ring-blocked']);
      await until(() => !client._ringInUse, 5000, 'the ring to drain');
      expect(client._writer, 'after the ring drained').to.equal(null);
      client.end();
      const r = await got;
      expect(r.bytes).to.equal(sent.reduce((n, b) => n + b.length, 0));
      expect(r.hash).to.equal(sha256(sent));
    });
  });
});
