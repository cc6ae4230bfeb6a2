/**
 * sendTo / receiveFrom on stream sockets (API.md 2, "Active sockets"): bytes, ranges, and
 * the flags peek, dontWait, outOfBand and waitAll; waits bounded by timeout and signal.
 */
import { expect } from 'chai';
import {
  PollTimeoutError,
  SocketConnectionResetError,
  makeSocket,
} from '../../lib/sockets/index.js';
import { Cleanup, iolibPair, iolibServer, netConnect, rejectsNotThrows, rejectsWith, turn } from '../helpers/sockets.js';

describe('sockets: sendTo / receiveFrom on stream sockets', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('sendTo resolves with the bytes sent; receiveFrom returns them in a new buffer of `size`', async function () {
    const { client, conn } = await iolibPair(cleanup);
    expect(await client.sendTo(Buffer.from('hello world'))).to.equal(11);
    const r = (await conn.receiveFrom({ size: 64 }))!;
    expect(r.bytes).to.equal(11);
    expect(r.buffer.length).to.equal(64);
    expect(r.buffer.subarray(0, r.bytes).toString()).to.equal('hello world');
  });

  it('sendTo sends only [start, end); receiveFrom fills [start, end) of a given buffer', async function () {
    const { client, conn } = await iolibPair(cleanup);
    expect(await client.sendTo(Buffer.from('0123456789'), { start: 2, end: 6 })).to.equal(4);
    const buffer = Buffer.alloc(10, '.');
    const r = (await conn.receiveFrom({ buffer, start: 3, end: 9 }))!;
    expect(r.buffer).to.equal(buffer);
    expect(r.bytes).to.equal(4);
    expect(buffer.toString()).to.equal('...2345...');
  });

  it('takes a Uint8Array as well as a Buffer', async function () {
    const { client, conn } = await iolibPair(cleanup);
    await client.sendTo(new Uint8Array([1, 2, 3]));
    const r = (await conn.receiveFrom({ size: 3, waitAll: true }))!;
    expect([...r.buffer.subarray(0, r.bytes)]).to.deep.equal([1, 2, 3]);
  });

  it('dontWait: null when nothing is there, the data when it is', async function () {
    const { client, conn } = await iolibPair(cleanup);
    expect(await conn.receiveFrom({ dontWait: true })).to.equal(null);
    await client.sendTo(Buffer.from('now'));
    // Wait for readiness the honest way: a blocking receive with peek.
    await conn.receiveFrom({ size: 3, peek: true, waitAll: true });
    const r = (await conn.receiveFrom({ dontWait: true, size: 16 }))!;
    expect(r.buffer.subarray(0, r.bytes).toString()).to.equal('now');
    expect(await conn.receiveFrom({ dontWait: true })).to.equal(null);
  });

  it('peek: the data stays queued for the next receive', async function () {
    const { client, conn } = await iolibPair(cleanup);
    await client.sendTo(Buffer.from('peekaboo'));
    const p = (await conn.receiveFrom({ size: 4, peek: true }))!;
    expect(p.buffer.subarray(0, p.bytes).toString()).to.equal('peek'.slice(0, p.bytes));
    const p2 = (await conn.receiveFrom({ size: 8, peek: true, waitAll: true }))!;
    expect(p2.buffer.subarray(0, p2.bytes).toString()).to.equal('peekaboo');
    const r = (await conn.receiveFrom({ size: 8, waitAll: true }))!;
    expect(r.buffer.subarray(0, r.bytes).toString()).to.equal('peekaboo');
    expect(await conn.receiveFrom({ dontWait: true })).to.equal(null);
  });

  it('waitAll: a reset after some bytes answers them (as recv(2) does), and the next receive gets the reset', async function () {
    const { client, conn } = await iolibPair(cleanup);
    const receiving = conn.receiveFrom({ size: 100, waitAll: true });
    await client.sendTo(Buffer.from('twenty-three bytes here'));
    await turn();
    client.resetAndDestroy();
    const r = (await receiving)!;
    expect(r.buffer.subarray(0, r.bytes).toString()).to.equal('twenty-three bytes here');
    const err = await rejectsNotThrows(() => conn.receiveFrom({ size: 100 }), SocketConnectionResetError);
    expect(err.code).to.equal('ECONNRESET');
  });

  it('waitAll: waits until the whole range is filled, across separate sends', async function () {
    const { client, conn } = await iolibPair(cleanup);
    const receiving = conn.receiveFrom({ size: 12, waitAll: true });
    await client.sendTo(Buffer.from('abcd'));
    await turn();
    await turn();
    await client.sendTo(Buffer.from('efgh'));
    await turn();
    await client.sendTo(Buffer.from('ijklmnop'));
    const r = (await receiving)!;
    expect(r.bytes).to.equal(12);
    expect(r.buffer.toString()).to.equal('abcdefghijkl');
    const rest = (await conn.receiveFrom({ size: 10 }))!;
    expect(rest.buffer.subarray(0, rest.bytes).toString()).to.equal('mnop');
  });

  it('waitAll: stops short at the end of the stream', async function () {
    const { client, conn } = await iolibPair(cleanup);
    const receiving = conn.receiveFrom({ size: 100, waitAll: true });
    await client.sendTo(Buffer.from('short'));
    await turn();
    client.shutdown({ write: true });
    const r = (await receiving)!;
    expect(r.bytes).to.equal(5);
    expect(r.buffer.subarray(0, 5).toString()).to.equal('short');
  });

  it('waitAll with a timeout: answers the bytes that came in time (nothing is lost)', async function () {
    const { client, conn } = await iolibPair(cleanup);
    await client.sendTo(Buffer.from('partial'));
    const r = (await conn.receiveFrom({ size: 100, waitAll: true, timeout: 100 }))!;
    expect(r.bytes).to.equal(7);
    expect(r.buffer.subarray(0, 7).toString()).to.equal('partial');
  });

  it('waitAll gathers a large range sent in pieces (1 MiB through a 64 KiB socket buffer)', async function () {
    const { client, conn } = await iolibPair(cleanup);
    conn.setOption('receiveBuffer', 32 * 1024);
    const data = Buffer.alloc(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const receiving = conn.receiveFrom({ size: data.length, waitAll: true });
    client.end(data);
    const r = (await receiving)!;
    expect(r.bytes).to.equal(data.length);
    expect(r.buffer.equals(data)).to.equal(true);
  });

  it('without waitAll, a receive returns what is there', async function () {
    const { client, conn } = await iolibPair(cleanup);
    const receiving = conn.receiveFrom({ size: 100 });
    await client.sendTo(Buffer.from('part'));
    const r = (await receiving)!;
    expect(r.bytes).to.equal(4);
  });

  it('outOfBand: the urgent byte is read apart from the normal data', async function () {
    const { client, conn } = await iolibPair(cleanup);
    await client.sendTo(Buffer.from('ab'));
    expect(await client.sendTo(Buffer.from('!'), { outOfBand: true })).to.equal(1);
    // Normal reads stop at the urgent mark: 'ab' first.
    const normal = (await conn.receiveFrom({ size: 2, waitAll: true }))!;
    expect(normal.buffer.subarray(0, normal.bytes).toString()).to.equal('ab');
    const urgent = (await conn.receiveFrom({ size: 1, outOfBand: true }))!;
    expect(urgent.bytes).to.equal(1);
    expect(urgent.buffer.subarray(0, 1).toString()).to.equal('!');
  });

  it('a receive of 0 bytes at the end of the stream (peer closed)', async function () {
    const { client, conn } = await iolibPair(cleanup);
    await client.close();
    const r = (await conn.receiveFrom({ size: 10 }))!;
    expect(r.bytes).to.equal(0);
  });

  it('receiveFrom with timeout: PollTimeoutError when nothing comes', async function () {
    const { conn } = await iolibPair(cleanup);
    const started = Date.now();
    const err = await rejectsWith(conn.receiveFrom({ timeout: 80 }), PollTimeoutError);
    expect(Date.now() - started).to.be.at.least(70);
    expect(err.timeout).to.be.within(1, 80);
  });

  it('receiveFrom with signal: AbortError (ABORT_ERR, cause); the socket still works', async function () {
    const { client, conn } = await iolibPair(cleanup);
    const ac = new AbortController();
    const receiving = conn.receiveFrom({ signal: ac.signal });
    await turn();
    ac.abort('cancelled');
    const err = await rejectsWith(receiving, Error);
    expect(err.name).to.equal('AbortError');
    expect((err as Error & { code: string }).code).to.equal('ABORT_ERR');
    expect(err.cause).to.equal('cancelled');
    await client.sendTo(Buffer.from('after'));
    const r = (await conn.receiveFrom({ size: 5, waitAll: true }))!;
    expect(r.buffer.toString()).to.equal('after');
  });

  it('bad arguments reject with Node codes, never throw', async function () {
    const { client, conn } = await iolibPair(cleanup);
    type Coded = Error & { code: string };
    expect(((await rejectsNotThrows(() => client.sendTo('text' as unknown as Buffer), TypeError)) as Coded).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(((await rejectsNotThrows(() => client.sendTo(Buffer.alloc(4), { start: 5 }), RangeError)) as Coded).code).to.equal('ERR_OUT_OF_RANGE');
    expect(((await rejectsNotThrows(() => client.sendTo(Buffer.alloc(4), { start: 3, end: 2 }), RangeError)) as Coded).code).to.equal('ERR_OUT_OF_RANGE');
    expect(((await rejectsNotThrows(() => client.sendTo(Buffer.alloc(4), { dontWait: 1 as unknown as boolean }), TypeError)) as Coded).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(((await rejectsNotThrows(() => conn.receiveFrom({ size: -1 }), RangeError)) as Coded).code).to.equal('ERR_OUT_OF_RANGE');
    expect(((await rejectsNotThrows(() => conn.receiveFrom({ buffer: 'x' as unknown as Buffer }), TypeError)) as Coded).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(((await rejectsNotThrows(() => conn.receiveFrom({ peek: 'yes' as unknown as boolean }), TypeError)) as Coded).code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(((await rejectsNotThrows(() => conn.receiveFrom({ timeout: NaN }), RangeError)) as Coded).code).to.equal('ERR_OUT_OF_RANGE');
  });

  it('sendTo to a node:net peer, receiveFrom from it', async function () {
    const server = await iolibServer(cleanup);
    const peer = cleanup.add(await netConnect('127.0.0.1', server.localPort!));
    const conn = cleanup.add((await server.acceptConnection())!);
    const got: Buffer[] = [];
    peer.on('data', (d: Buffer) => got.push(d));
    await conn.sendTo(Buffer.from('to node'));
    peer.write('from node');
    const r = (await conn.receiveFrom({ size: 9, waitAll: true }))!;
    expect(r.buffer.toString()).to.equal('from node');
    while (Buffer.concat(got).length < 7) await turn();
    expect(Buffer.concat(got).toString()).to.equal('to node');
    void makeSocket;
  });
});
