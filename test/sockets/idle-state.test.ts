/**
 * What an idle socket carries (issue 19's heap row): its own fields beyond a plain Duplex's,
 * and none of the state made on first use: the extra state, Node's per-stream write callback,
 * a pipes array of its own. Then that the lazily made parts work when they are made: writes
 * through Node's Writable path (corked, buffered, and with write() bypassed), pipes.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { makeSocketPair } from '../../lib/sockets/index.js';
import { Cleanup, iolibPair, payload, readAll, readExactly, sha256 } from '../helpers/sockets.js';

interface States {
  _writableState: { onwrite: unknown };
  _readableState: { pipes: unknown[] };
}

const states = (s: unknown) => s as States;

/** A byte stream's own fields beyond a Duplex's. */
const FIELDS = ['_fdHandle', '_profileOrExtra', '_flags', '_bytesRead', '_bytesWritten'];

/** The own property keys of `s` that a plain Duplex with a 'data' listener does not have. */
function ownFieldsBeyondDuplex(s: object): (string | symbol)[] {
  const plain = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
  plain.on('data', () => {});
  const base = new Set(Reflect.ownKeys(plain));
  plain.destroy();
  return Reflect.ownKeys(s).filter((k) => !base.has(k));
}

describe('sockets: what an idle socket carries', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('an idle connected TCP socket has five fields of its own beyond a Duplex, and none of the state made on first use', async () => {
    const { client, conn } = await iolibPair(cleanup);
    for (const s of [client, conn]) s.on('data', () => {});
    for (const s of [client, conn]) {
      expect(ownFieldsBeyondDuplex(s)).to.have.members(FIELDS);
      expect(s._extra).to.equal(null);
    }
    // Node's Duplex makes each stream a bound write callback and an empty pipes array: the
    // sockets share one mark and one frozen empty array instead.
    const w = [client, conn].map((s) => states(s)._writableState.onwrite);
    expect(w[0]).to.equal(w[1]);
    const p = [client, conn].map((s) => states(s)._readableState.pipes);
    expect(p[0]).to.equal(p[1]);
    expect(p[0]).to.be.frozen.and.to.have.length(0);
  });

  it('the extra state holds the profile while it exists: sizes and kind read the same before, during and after', async () => {
    const { client } = await iolibPair(cleanup, '127.0.0.1', { inputBufferSize: 4096, outputBufferSize: 8192 });
    const profile = () => [client.inputBufferSize, client.outputBufferSize, client.type, client.addressFamily, client.ipv6];
    const before = profile();
    expect(before).to.deep.equal([4096, 8192, 'stream', 'internet', false]);
    expect(client._extra).to.equal(null);
    // A receive that waits makes the extra state (its wait queue); its timeout lets it go.
    const waiting = client.receiveFrom({ timeout: 20 }).then(() => null, (e: Error) => e);
    expect(client._extra).to.not.equal(null);
    expect(profile()).to.deep.equal(before);
    expect(await waiting).to.be.instanceOf(Error);
    expect(client._extra).to.equal(null);
    expect(profile()).to.deep.equal(before);
  });

  it('every kind of active socket starts without a write callback or pipes of its own', () => {
    for (const type of ['stream', 'datagram', 'seqpacket'] as const) {
      const [a, b] = makeSocketPair({ type });
      cleanup.add(a);
      cleanup.add(b);
      // A local socket's own file (makeSocket's localFilename) is kept beside it, not in a field.
      expect(ownFieldsBeyondDuplex(a), type).to.not.include('_ownFile');
      if (type === 'stream') expect(ownFieldsBeyondDuplex(a)).to.have.members(FIELDS);
      expect(states(a)._writableState.onwrite, type).to.equal(states(b)._writableState.onwrite);
      expect(states(a)._readableState.pipes, type).to.equal(states(b)._readableState.pipes);
    }
  });

  it("writes through Node's path make the callback on first use: corked writes arrive whole, in order, with their callbacks", async () => {
    const { client, conn } = await iolibPair(cleanup);
    const data = payload(3 * 1024);
    const done: number[] = [];
    client.cork();
    for (let i = 0; i < 3; i++) client.write(data.subarray(i * 1024, (i + 1) * 1024), () => done.push(i));
    process.nextTick(() => client.uncork());
    expect(sha256(await readExactly(conn, data.length))).to.equal(sha256(data));
    expect(done).to.deep.equal([0, 1, 2]);
    const made = states(client)._writableState.onwrite;
    expect(made).to.be.a('function');
    expect(made).to.not.equal(states(conn)._writableState.onwrite);
    // The callback made is the stream's own: later writes keep using it.
    await new Promise<void>((resolve) => client.write(data, () => resolve()));
    expect(states(client)._writableState.onwrite).to.equal(made);
    expect(sha256(await readExactly(conn, data.length))).to.equal(sha256(data));
  });

  it("Writable.prototype.write called directly (past the socket's own write) works, and so does end(chunk)", async () => {
    const { client, conn } = await iolibPair(cleanup);
    const a = payload(2000);
    const b = payload(3000).reverse();
    const plainWrite = Writable.prototype.write as (this: Writable, chunk: Buffer, cb: (err?: Error | null) => void) => boolean;
    await new Promise<void>((resolve, reject) => plainWrite.call(client, a, (err) => (err ? reject(err) : resolve())));
    client.end(b);
    expect(sha256(await readAll(conn))).to.equal(sha256(Buffer.concat([a, b])));
  });

  it('datagram writes (each through _write or _writev) call back once sent', async () => {
    const [a, b] = makeSocketPair({ type: 'datagram' });
    cleanup.add(a);
    cleanup.add(b);
    const got = once(b, 'data');
    await new Promise<void>((resolve, reject) => a.write(Buffer.from('one'), (err) => (err ? reject(err) : resolve())));
    const [msg] = (await got) as [{ data: Buffer }];
    expect(msg.data.toString()).to.equal('one');
  });

  it('pipe() gives the socket pipes of its own; the shared array stays empty; data flows and unpipe() stops it', async () => {
    const { client, conn } = await iolibPair(cleanup);
    const shared = states(client)._readableState.pipes;
    const sink = new PassThrough();
    conn.pipe(sink);
    expect(states(conn)._readableState.pipes).to.not.equal(shared);
    expect(states(conn)._readableState.pipes).to.have.length(1);
    expect(shared).to.have.length(0);
    expect(states(client)._readableState.pipes).to.equal(shared);
    const data = payload(100 * 1024);
    client.write(data);
    expect(sha256(await readExactly(sink, data.length))).to.equal(sha256(data));
    conn.unpipe(sink);
    expect(states(conn)._readableState.pipes).to.have.length(0);
  });
});
