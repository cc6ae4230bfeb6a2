/**
 * Active stream sockets as byte Duplex streams (API.md 2, "Active sockets"): bulk echo
 * through pipeline, half-close, encodings, buffer sizes, async iteration, backpressure both
 * ways, close with and without abort, peer resets.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as net from 'node:net';
import {
  SocketClosedError,
  SocketConnectionResetError,
  SocketEndpointShutdownError,
  SocketError,
  IolibError,
  makeSocket,
  makeSocketPair,
  type SocketStreamInternetActive,
  
  
} from '../../lib/sockets/index.js';
import {
  Cleanup, iolibPair, iolibServer, netServer, payload, readAll, readExactly, sha256, tmpSocketPath, turn, until, writeAll,
} from '../helpers/sockets.js';
import { GROWN_READ_SIZE } from '../../lib/sockets/core.js';

const MiB = 1024 * 1024;

/** Reads `stream` to its end, checks that it was `data` (SHA-256), and answers its chunks' sizes. */
async function chunkSizes(stream: AsyncIterable<Buffer>, data: Buffer): Promise<number[]> {
  const sizes: number[] = [];
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    sizes.push(chunk.length);
    chunks.push(chunk);
  }
  expect(sha256(Buffer.concat(chunks))).to.equal(sha256(data));
  return sizes;
}

/** Yields `total` bytes of `data` in `chunk`-sized slices. */
function* slices(data: Buffer, chunk: number): Generator<Buffer> {
  for (let off = 0; off < data.length; off += chunk) yield data.subarray(off, off + chunk);
}

describe('sockets: stream sockets as Duplex streams', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  describe('bulk transfer', function () {
    it('echoes 8 MiB through pipeline() on both ends, byte for byte (sha256)', async function () {
      const server = await iolibServer(cleanup);
      const echoed = (async () => {
        const conn = cleanup.add((await server.acceptConnection())!);
        await pipeline(conn, conn); // echo until the client's FIN, then FIN back
      })();
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
      const data = payload(8 * MiB);
      const received = readAll(client);
      await pipeline(Readable.from(slices(data, 100_000)), client);
      const back = await received;
      await echoed;
      expect(back.length).to.equal(data.length);
      expect(sha256(back)).to.equal(sha256(data));
    });

    it('many small corked writes leave in writev batches (more chunks than IOV_MAX), in order', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const pieces = Array.from({ length: 5000 }, (_, i) => Buffer.from(`<${i}>`));
      client.cork();
      for (const p of pieces) client.write(p);
      process.nextTick(() => client.uncork());
      client.end();
      const got = await readAll(conn);
      expect(got.toString()).to.equal(Buffer.concat(pieces).toString());
    });

    it('sends and receives at the same time without deadlock (4 MiB each way, echo via write/read)', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const a = payload(4 * MiB);
      const b = payload(4 * MiB);
      const [atConn, atClient] = await Promise.all([
        readAll(conn),
        readAll(client),
        (async () => {
          await writeAll(client, a, 50_000);
          client.end();
        })(),
        (async () => {
          await writeAll(conn, b, 70_000);
          conn.end();
        })(),
      ]);
      expect(sha256(atConn)).to.equal(sha256(a));
      expect(sha256(atClient)).to.equal(sha256(b));
    });
  });

  describe('half-close', function () {
    it("end() shuts down the write side only: the peer sees 'end' and can still write back", async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.end('request');
      const request = await readAll(conn); // resolves only on the peer's 'end'
      expect(request.toString()).to.equal('request');
      expect(conn.readableEnded).to.equal(true);
      expect(client.isOpen()).to.equal(true);
      conn.end('response after end');
      const response = await readAll(client);
      expect(response.toString()).to.equal('response after end');
    });

    it('allowHalfOpen is true: reading to the end does not end the writable side', async function () {
      const { client, conn } = await iolibPair(cleanup);
      expect(client.allowHalfOpen).to.equal(true);
      conn.end();
      await readAll(client);
      expect(client.writable).to.equal(true);
      client.end('still writing');
      expect((await readAll(conn)).toString()).to.equal('still writing');
    });

    it('a socket whose both sides ended closes its fd by itself', async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.end();
      conn.end();
      await Promise.all([readAll(client), readAll(conn)]);
      if (!client.destroyed) await once(client, 'close');
      expect(client.isOpen()).to.equal(false);
      expect(client.fd).to.equal(-1);
    });
  });

  describe('shutdown()', function () {
    it('shutdown({ write: true }) ends the peer and leaves reading open', async function () {
      const { client, conn } = await iolibPair(cleanup);
      expect(client.shutdown({ write: true })).to.equal(client);
      expect((await readAll(conn)).length).to.equal(0);
      conn.end('after shutdown');
      expect((await readAll(client)).toString()).to.equal('after shutdown');
    });

    it('shutdown({ read: true }) ends our reading: the readable side ends', async function () {
      const { client } = await iolibPair(cleanup);
      client.shutdown({ read: true });
      expect((await readAll(client)).length).to.equal(0);
    });

    it('shutdown() with no side shuts down both: the peer sees the end and our reads end', async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.shutdown();
      const [mine, theirs] = await Promise.all([readAll(client), readAll(conn)]);
      expect(mine.length).to.equal(0);
      expect(theirs.length).to.equal(0);
    });

    it('writing after shutdown({ write: true }) fails with SocketEndpointShutdownError (EPIPE), as an error event', async function () {
      const { client } = await iolibPair(cleanup);
      client.shutdown({ write: true });
      const errored = once(client, 'error');
      const cbErr = new Promise<Error | null | undefined>((resolve) => client.write('x', resolve));
      const [err] = (await errored) as [Error];
      expect(await cbErr).to.equal(err);
      expect(err).to.be.instanceOf(SocketEndpointShutdownError);
      expect((err as SocketError).code).to.equal('EPIPE');
      expect((err as SocketError).syscall).to.equal('write');
    });
  });

  describe('encodings and buffer sizes', function () {
    it('setEncoding() makes reads strings and decodes characters split across chunks', async function () {
      const { client, conn } = await iolibPair(cleanup);
      expect(client.encoding).to.equal(null);
      client.setEncoding('utf8');
      expect(client.encoding).to.equal('utf8');
      const text = 'añ€😀'.repeat(5000);
      const bytes = Buffer.from(text);
      const reading = (async () => {
        let s = '';
        for await (const chunk of client) {
          expect(chunk).to.be.a('string');
          s += chunk;
        }
        return s;
      })();
      // Cut inside multi-byte characters on purpose.
      for (let off = 0; off < bytes.length; off += 7) {
        conn.write(bytes.subarray(off, off + 7));
        if (off % 7000 === 0) await turn();
      }
      conn.end();
      expect(await reading).to.equal(text);
    });

    it("makeSocket's encoding option sets the readable encoding of the client", async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection({ encoding: 'hex' });
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, encoding: 'latin1' }));
      const conn = cleanup.add((await accepting)!);
      expect(client.encoding).to.equal('latin1');
      expect(conn.encoding).to.equal('hex');
      client.end(Buffer.from([0xde, 0xad]));
      conn.end(Buffer.from([0xe9]));
      expect(await readAllText(conn)).to.equal('dead');
      expect(await readAllText(client)).to.equal('é');
    });

    it('the encoding option also encodes string writes (IOLib\'s external format works both ways)', async function () {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection({ encoding: 'hex' });
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, encoding: 'latin1' }));
      const conn = cleanup.add((await accepting)!);
      client.end('é'); // latin1: one byte, e9 (UTF-8 would send c3 a9)
      conn.end('cafe'); // hex: the two bytes ca fe
      expect(await readAllText(conn)).to.equal('e9');
      expect(Buffer.from(await readAllText(client), 'latin1')).to.deep.equal(Buffer.from([0xca, 0xfe]));
    });

    it('inputBufferSize bounds the chunk size of reads and sets the readable high-water mark', async function () {
      const { client, conn } = await iolibPair(cleanup, '127.0.0.1', { inputBufferSize: 1000, outputBufferSize: 3000 }, { inputBufferSize: 4096 });
      expect(client.inputBufferSize).to.equal(1000);
      expect(client.outputBufferSize).to.equal(3000);
      expect(client.readableHighWaterMark).to.equal(1000);
      expect(client.writableHighWaterMark).to.equal(3000);
      expect(conn.inputBufferSize).to.equal(4096);
      const data = payload(200_000);
      conn.end(data);
      const sizes = await chunkSizes(client, data);
      expect(Math.max(...sizes)).to.be.at.most(1000);
      expect(sizes.length).to.be.at.least(200);
    });

    it('the default buffer sizes are 64 KiB', async function () {
      const { client } = await iolibPair(cleanup);
      expect(client.inputBufferSize).to.equal(65536);
      expect(client.outputBufferSize).to.equal(65536);
    });

    /** Sizes of the chunks an iolib reader accepted with `acceptOptions` reads of 16 MiB a node:net peer sends at once. */
    async function chunkSizesOfBulk(acceptOptions: Record<string, unknown>): Promise<number[]> {
      const server = await iolibServer(cleanup);
      const accepting = server.acceptConnection(acceptOptions);
      const writer = cleanup.add(net.connect(server.localPort!, '127.0.0.1'));
      const reader = cleanup.add((await accepting)!);
      const data = payload(16 * MiB);
      // More than loopback takes at once: the reader's kernel queue stays full while it reads.
      writer.end(data);
      return chunkSizes(reader, data);
    }

    it('with no inputBufferSize given, reads grow past 64 KiB to at most 256 KiB while the peer keeps them full', async function () {
      const sizes = await chunkSizesOfBulk({});
      expect(Math.max(...sizes)).to.equal(GROWN_READ_SIZE);
      // 16 MiB in 64 KiB reads would be 256 of them.
      expect(sizes.length).to.be.below(256);
    });

    it('an inputBufferSize given is what every read asks for, even 64 KiB', async function () {
      const sizes = await chunkSizesOfBulk({ inputBufferSize: 65536 });
      expect(Math.max(...sizes)).to.equal(65536);
      expect(sizes.length).to.be.at.least(256);
    });

    it('after reads grew in a bulk transfer, small messages exchanged on the same socket arrive whole', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const bulk = payload(8 * MiB);
      const echoing = (async () => {
        expect(sha256(await readExactly(conn, bulk.length))).to.equal(sha256(bulk));
        for (let i = 0; i < 50; i++) conn.write(await readExactly(conn, 1 + i));
      })();
      client.write(bulk);
      for (let i = 0; i < 50; i++) {
        const message = payload(1 + i);
        client.write(message);
        expect(sha256(await readExactly(client, message.length))).to.equal(sha256(message));
      }
      await echoing;
    });

    it('outputBufferSize is the writable high-water mark: write() is false only past it', async function () {
      // 4 MiB is more than loopback takes at once, so part of it waits in the socket.
      const big = await iolibPair(cleanup, '127.0.0.1', { outputBufferSize: 64 * MiB });
      expect(big.client.write(payload(4 * MiB))).to.equal(true);
      expect(big.client.writableLength).to.be.greaterThan(0);
      const small = await iolibPair(cleanup, '127.0.0.1', { outputBufferSize: 1024 });
      expect(small.client.write(payload(4 * MiB))).to.equal(false);
      const drained = once(small.client, 'drain');
      const got = await readExactly(small.conn, 4 * MiB);
      await drained;
      expect(got.length).to.equal(4 * MiB);
      // Its peer never reads: aborted first, or closing the peer would reset it ('error').
      await big.client.close({ abort: true });
    });
  });

  describe('async iteration', function () {
    it('for await yields Buffers until the peer ends', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(1 * MiB);
      conn.end(data);
      const chunks: Buffer[] = [];
      for await (const chunk of client) {
        expect(Buffer.isBuffer(chunk)).to.equal(true);
        chunks.push(chunk);
      }
      expect(sha256(Buffer.concat(chunks))).to.equal(sha256(data));
    });

    it('for await over the accepted side, as with node:net, destroys the socket at the end', async function () {
      const { client, conn } = await iolibPair(cleanup);
      client.end('x');
      for await (const chunk of conn) expect(chunk.toString()).to.equal('x');
      expect(conn.destroyed).to.equal(true);
      expect(conn.fd).to.equal(-1);
    });

    it('breaking out of for await destroys the socket (Readable semantics) and closes its fd', async function () {
      const { client, conn } = await iolibPair(cleanup);
      conn.write('first');
      for await (const chunk of client) {
        expect(chunk.toString()).to.equal('first');
        break;
      }
      expect(client.destroyed).to.equal(true);
      expect(client.isOpen()).to.equal(false);
      expect(client.fd).to.equal(-1);
      // The peer sees the connection go away.
      await readAll(conn);
    });
  });

  describe('backpressure', function () {
    it("a paused reader stops the native watcher: the sender's write() turns false and 'drain' waits for the reader", async function () {
      const { client: sender, conn: reader } = await iolibPair(cleanup);
      // Start the reader's watcher, then never consume: its readable buffer fills.
      reader.once('readable', () => {});
      const chunk = payload(16 * 1024);
      const sent: Buffer[] = [];
      let falseAt = -1;
      for (let i = 0; i < 64 * 64; i++) {
        // 64 MiB at most; a reader that never stops reading would let all of it through.
        sent.push(chunk);
        if (!sender.write(chunk)) {
          falseAt = i;
          break;
        }
        if (i % 16 === 0) await turn();
      }
      expect(falseAt, 'write() never returned false: the reader kept reading past its buffer').to.be.greaterThan(0);
      // The reader holds no more than its high-water mark and one read (grown to at most
      // 256 KiB): the watcher stopped.
      await turn();
      await turn();
      expect(reader.readableLength).to.be.at.most(reader.readableHighWaterMark + GROWN_READ_SIZE);
      let drained = false;
      sender.once('drain', () => (drained = true));
      for (let i = 0; i < 20; i++) await turn();
      expect(drained, "'drain' came although nobody read").to.equal(false);
      // Now read everything: 'drain' comes and nothing was lost.
      const total = sent.length * chunk.length;
      const draining = once(sender, 'drain');
      const got = await readExactly(reader, total);
      await draining;
      expect(sha256(got)).to.equal(sha256(sent));
    });

    it('a slow reader gets all of 64 MiB: write() returns false, drain comes, checksum matches', async function () {
      this.timeout(20000);
      const { client: sender, conn: reader } = await iolibPair(cleanup);
      const block = payload(1 * MiB);
      const blocks = 64;
      const expected = sha256(Array(blocks).fill(block));
      let sawFalse = false;
      let drains = 0;
      const writing = (async () => {
        for (let i = 0; i < blocks; i++) {
          for (let off = 0; off < block.length; off += 256 * 1024) {
            if (!sender.write(block.subarray(off, off + 256 * 1024))) {
              sawFalse = true;
              await once(sender, 'drain');
              drains++;
            }
          }
        }
        sender.end();
      })();
      const hash = (await import('node:crypto')).createHash('sha256');
      let got = 0;
      let n = 0;
      for await (const chunk of reader) {
        hash.update(chunk);
        got += chunk.length;
        // A slow consumer: give the event loop away every few chunks.
        if (++n % 8 === 0) await turn();
      }
      await writing;
      expect(got).to.equal(blocks * block.length);
      expect(hash.digest('hex')).to.equal(expected);
      expect(sawFalse, 'write() never returned false').to.equal(true);
      expect(drains).to.be.greaterThan(0);
    });

    it('the receiving side is also bounded: a writer faster than a node:net reader gets write() === false', async function () {
      // iolib writes into a node:net peer that is paused: the kernel buffers fill, the rest
      // waits in iolib, and write() reports it.
      let peer!: net.Socket;
      const server = cleanup.add(await netServer('127.0.0.1', (s) => {
        peer = s;
        s.pause();
      }));
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }));
      await until(() => peer !== undefined, 2000, 'the node:net server to accept');
      cleanup.add(peer);
      const chunk = payload(64 * 1024);
      let writes = 0;
      while (client.write(chunk)) {
        writes++;
        expect(writes, 'write() kept returning true for 64 MiB').to.be.lessThan(1024);
        if (writes % 8 === 0) await turn();
      }
      const total = (writes + 1) * chunk.length;
      const drained = once(client, 'drain');
      peer.resume();
      let got = 0;
      peer.on('data', (d: Buffer) => (got += d.length));
      await drained;
      await until(() => got === total, 5000, 'the peer to receive everything');
    });
  });

  describe('close()', function () {
    it('flushes pending writes before closing (peer reads everything after close() was called)', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(16 * MiB);
      const accepted = client.write(data);
      expect(accepted).to.equal(false); // more than the kernel takes at once
      const closing = client.close();
      const got = await readAll(conn);
      await closing;
      expect(sha256(got)).to.equal(sha256(data));
      expect(client.isOpen()).to.equal(false);
    });

    it('end(data) followed by close() still flushes everything', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(16 * MiB);
      client.end(data);
      const closing = client.close();
      const got = await readAll(conn);
      await closing;
      expect(got.length).to.equal(data.length);
      expect(sha256(got)).to.equal(sha256(data));
    });

    it('is idempotent: every call answers the same settled close', async function () {
      const { client } = await iolibPair(cleanup);
      const p1 = client.close();
      const p2 = client.close();
      expect(p2).to.equal(p1);
      await p1;
      await client.close();
      await client.close({ abort: true });
      expect(client.fd).to.equal(-1);
    });

    it("emits 'close' once (hadError false) and ends pending async iteration without an error", async function () {
      const { client } = await iolibPair(cleanup);
      let closes = 0;
      client.on('close', (hadError: unknown) => {
        expect(hadError).to.equal(false);
        closes++;
      });
      const reading = readAll(client);
      await turn();
      await client.close();
      const got = await reading; // ends, does not throw
      expect(got.length).to.equal(0);
      await turn();
      expect(closes).to.equal(1);
    });

    it('close({ abort: true }) drops pending writes at once; their callbacks get SocketClosedError', async function () {
      const { client, conn } = await iolibPair(cleanup);
      const data = payload(32 * MiB);
      const first = new Promise<Error | null | undefined>((resolve) => client.write(data, resolve));
      const second = new Promise<Error | null | undefined>((resolve) => client.write(Buffer.from('queued'), resolve));
      await turn();
      const started = Date.now();
      await client.close({ abort: true }); // the peer never reads: a flushing close would hang
      expect(Date.now() - started).to.be.lessThan(1000);
      expect(client.fd).to.equal(-1);
      const [e1, e2] = await Promise.all([first, second]);
      expect(e1).to.be.instanceOf(SocketClosedError);
      expect(e2).to.be.instanceOf(Error);
      expect(e2).to.be.instanceOf(SocketClosedError);
      // The peer sees fewer bytes than were written and then the end (or a reset).
      let got = 0;
      try {
        for await (const chunk of conn) got += chunk.length;
      } catch (err) {
        expect(err).to.be.instanceOf(SocketConnectionResetError);
      }
      expect(got).to.be.lessThan(data.length);
    });

    it('close({ abort: true }) overtakes a close() still flushing to a peer that never reads; both settle', async function () {
      const { client } = await iolibPair(cleanup);
      client.write(payload(32 * MiB));
      const flushing = client.close();
      let settled = false;
      void flushing.then(() => (settled = true));
      await turn();
      expect(settled).to.equal(false);
      const aborting = client.close({ abort: true });
      expect(aborting).to.equal(flushing);
      await aborting;
      expect(client.fd).to.equal(-1);
    });

    it('destroy() during a flushing close() settles the close', async function () {
      const { client } = await iolibPair(cleanup);
      client.write(payload(32 * MiB));
      const flushing = client.close();
      await turn();
      client.destroy();
      await flushing;
      expect(client.fd).to.equal(-1);
    });

    it('bad close() and shutdown() options: close rejects (never throws), shutdown throws, with Node codes', async function () {
      const { client } = await iolibPair(cleanup);
      const listener = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
      for (const s of [client, listener]) {
        for (const [options, code] of [['x', 'ERR_INVALID_ARG_TYPE'], [{ abort: 'yes' }, 'ERR_INVALID_ARG_TYPE']] as const) {
          let closing: Promise<void> | undefined;
          expect(() => (closing = s.close(options as never))).not.to.throw();
          const err = await closing!.then(() => null, (e: unknown) => e);
          expect(err).to.be.instanceOf(TypeError);
          expect((err as NodeJS.ErrnoException).code).to.equal(code);
          expect(s.isOpen()).to.equal(true);
        }
      }
      expect(() => client.shutdown({ read: 'x' } as never)).to.throw(TypeError, /options\.read/);
      expect(() => client.shutdown({ write: 5 } as never)).to.throw(TypeError, /options\.write/);
    });
  });

  describe('peer reset', function () {
    it('a reset from a node:net peer while reading is a SocketConnectionResetError, no crash', async function () {
      let peer!: net.Socket;
      const server = cleanup.add(await netServer('127.0.0.1', (s) => (peer = s)));
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }));
      const reading = readAll(client);
      const events: string[] = [];
      client.on('error', () => events.push('error'));
      client.on('close', (hadError: unknown) => events.push(`close ${String(hadError)}`));
      await until(() => peer !== undefined, 2000, 'the accept');
      peer.write('some bytes first');
      await turn();
      peer.resetAndDestroy();
      let err: unknown;
      try {
        await reading;
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SocketConnectionResetError);
      expect(err).to.be.instanceOf(SocketError).and.instanceOf(IolibError);
      expect((err as SocketError).code).to.equal('ECONNRESET');
      expect((err as SocketError).syscall).to.equal('read');
      expect(client.isOpen()).to.equal(false);
      await until(() => events.length === 2, 2000, "'close'");
      expect(events).to.deep.equal(['error', 'close true'], "'close' comes after 'error', with hadError as node:net's");
    });

    for (const how of ['write(chunk)', 'write(chunk, callback)'] as const) {
      it(`the first ${how} after a reset the socket did not read reports the reset (ECONNRESET), not the EPIPE a second send would meet`, async function () {
        const { client, conn } = await iolibPair(cleanup);
        conn.resetAndDestroy();
        await once(conn, 'close');
        // On loopback the RST arrived within the close: a plain send(2) now fails with
        // ECONNRESET, once, and EPIPE after that.
        const errored = once(client, 'error');
        let called: Promise<Error | null | undefined> | undefined;
        if (how === 'write(chunk)') client.write(Buffer.from('after the reset'));
        else called = new Promise((resolve) => client.write(Buffer.from('after the reset'), resolve));
        const [err] = (await errored) as [SocketError];
        expect(err).to.be.instanceOf(SocketConnectionResetError);
        expect(err.code).to.equal('ECONNRESET');
        expect(err.syscall).to.equal('write');
        if (called) expect(await called).to.equal(err);
      });
    }

    it('close() while flushing to a peer that then resets rejects with the reset: the unsent data is not reported sent', async function () {
      let peer!: net.Socket;
      const server = cleanup.add(await netServer('127.0.0.1', (s) => (peer = s)));
      const client = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.port }));
      await until(() => peer !== undefined, 2000, 'the accept');
      peer.pause();
      peer.on('error', () => {});
      const data = payload(32 * 1024 * 1024);
      client.write(data);
      const closing = client.close();
      let settled = false;
      closing.then(() => (settled = true), () => (settled = true));
      await turn();
      expect(settled, 'close() waits for the flush').to.equal(false);
      peer.resetAndDestroy();
      const err = await closing.then(() => null, (e: unknown) => e);
      expect(err, 'close() rejected').to.be.instanceOf(SocketError);
      expect((err as SocketError).code).to.be.oneOf(['ECONNRESET', 'EPIPE']);
      expect(client.isOpen()).to.equal(false);
    });

    it('a reset from an iolib peer (linger 0) while writing is a typed error, no crash', async function () {
      const { client, conn } = await iolibPair(cleanup);
      conn.setOption('linger', { onoff: true, linger: 0 });
      await conn.close({ abort: true });
      const errored = once(client, 'error');
      // Keep writing until the reset is noticed.
      const chunk = payload(64 * 1024);
      const writer = (async () => {
        for (let i = 0; i < 200 && !client.destroyed; i++) {
          client.write(chunk);
          await turn();
        }
      })();
      const [err] = (await errored) as [SocketError];
      await writer;
      expect(err).to.be.instanceOf(SocketError);
      expect(['ECONNRESET', 'EPIPE']).to.include(err.code);
      expect(err.constructor.name).to.be.oneOf(['SocketConnectionResetError', 'SocketEndpointShutdownError']);
    });
  });

  describe('reading before connect()', function () {
    it("a 'data' listener attached before connect() gets the data once connected (TCP)", async function () {
      const server = await iolibServer(cleanup);
      const s = cleanup.add(await makeSocket({}));
      const reading = readAll(s); // starts the readable side on an unconnected socket
      await turn();
      await turn();
      expect(s.destroyed, 'reading an unconnected socket destroyed it').to.equal(false);
      await s.connect('127.0.0.1', { port: server.localPort! });
      const conn = cleanup.add((await server.acceptConnection())!);
      conn.end('hello after connect');
      expect((await reading).toString()).to.equal('hello after connect');
    });

    it("a 'data' listener attached before connect() gets the data once connected (Unix stream)", async function () {
      const path = tmpSocketPath('early');
      const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
      const s = cleanup.add(await makeSocket({ addressFamily: 'local' }));
      const reading = readAll(s);
      await turn();
      await turn();
      expect(s.destroyed).to.equal(false);
      await s.connect(path);
      const conn = cleanup.add((await server.acceptConnection())!);
      conn.end('hello local');
      expect((await reading).toString()).to.equal('hello local');
    });
  });

  describe('Unix stream sockets (socketpair)', function () {
    it('carry bytes both ways with half-close', async function () {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      const data = payload(3 * MiB);
      a.end(data);
      const got = await readAll(b);
      expect(sha256(got)).to.equal(sha256(data));
      b.end('back');
      expect((await readAll(a)).toString()).to.equal('back');
    });
  });
});

async function readAllText(s: SocketStreamInternetActive): Promise<string> {
  let text = '';
  for await (const chunk of s) text += chunk;
  return text;
}
