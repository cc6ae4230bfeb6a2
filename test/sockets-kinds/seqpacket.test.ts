/**
 * Issue 4, seqpacket local sockets: pairs, active and passive (filename and abstract), whole
 * records in order, the end of the records, and python3 as a foreign peer.
 */
import { expect } from 'chai';
import { existsSync, lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  makeSocketPair,
  StreamSocket,
  LocalSocket,
  ActiveSocket,
  PassiveSocket,
  SocketSeqpacketLocalActive,
  SocketSeqpacketLocalPassive,
  SocketAddressInUseError,
} from '../../lib/sockets/index.js';
import {
  abstractName,
  burst,
  expectSeqPayload,
  KindsCleanup,
  kindsPath,
  nextMessage,
  nextOrEnd,
  pythonOk,
  readMessages,
  requirePython,
  seqPayload,
  startPython,
} from '../helpers/kinds.js';
import { accepted } from '../helpers/sockets.js';

async function listen(cleanup: KindsCleanup, path: string, extra: Record<string, unknown> = {}): Promise<SocketSeqpacketLocalPassive> {
  if (!extra.abstract) cleanup.path(path);
  return cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: path, ...extra }));
}

describe('sockets-kinds: seqpacket sockets', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  it('a seqpacket pair is a pair of object-mode local active sockets', () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    for (const s of [a, b]) {
      expect(s).to.be.instanceOf(SocketSeqpacketLocalActive);
      expect(s).to.be.instanceOf(ActiveSocket);
      expect(s).to.be.instanceOf(StreamSocket);
      expect(s).to.be.instanceOf(LocalSocket);
      expect(s.type).to.equal('seqpacket');
      expect(s.readableObjectMode).to.equal(true);
      expect(s.isConnected()).to.equal(true);
    }
  });

  it('records keep their boundaries both ways, including sizes that would merge on a stream', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    const sizes = [1, 2, 3, 100, 65000, 7, 1];
    const sent = sizes.map((n) => randomBytes(n));
    for (const s of sent) a.write(s);
    const got = await readMessages(b, sent.length);
    got.forEach((m, i) => expect(m.data.equals(sent[i]!), `record ${i}`).to.equal(true));
    b.write(Buffer.from('reply'));
    expect((await nextMessage(a)).data.toString()).to.equal('reply');
  });

  it('a burst of 5000 records keeps the exact sequence (backpressure from the kernel)', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    const got = await burst(a, b, 5000, (i) => seqPayload(i, 5000));
    expect(got).to.have.length(5000);
    got.forEach((m, i) => expectSeqPayload(m.data, i, 5000));
  });

  it('a record longer than inputBufferSize is cut and flagged truncated; the next is whole', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket', inputBufferSize: 64 });
    cleanup.add(a);
    cleanup.add(b);
    const big = randomBytes(200);
    a.write(big);
    a.write(Buffer.from('next'));
    const [m1, m2] = await readMessages(b, 2);
    expect(m1!.data.equals(big.subarray(0, 64))).to.equal(true);
    expect(m1!.truncated).to.equal(true);
    expect(m2!.data.toString()).to.equal('next');
  });

  it("end() delivers the end of the records: the peer reads what was sent, then 'end'", async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    a.write(Buffer.from('last words'));
    a.end();
    expect((await nextMessage(b)).data.toString()).to.equal('last words');
    expect(await nextOrEnd(b)).to.equal(null);
    expect(b.readableEnded).to.equal(true);
    // Half-closed: b can still write to a.
    b.write(Buffer.from('still open'));
    expect((await nextMessage(a)).data.toString()).to.equal('still open');
  });

  it('an empty record is a record, not the end: the records after it arrive, then the end', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    // Written before b reads anything: one batch holds the records and the end after them.
    for (const r of ['r1', '', '', 'r4']) a.write(Buffer.from(r));
    a.end();
    const got = await readMessages(b, 4);
    expect(got.map((m) => m.data.toString())).to.deep.equal(['r1', '', '', 'r4']);
    expect(await nextOrEnd(b)).to.equal(null);
  });

  it('empty records one at a time, each read alone, keep the stream open', async () => {
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    for (let i = 0; i < 3; i++) {
      a.write(Buffer.alloc(0));
      expect((await nextMessage(b)).data.length).to.equal(0);
    }
    a.write(Buffer.from('after'));
    expect((await nextMessage(b)).data.toString()).to.equal('after');
    expect(b.readableEnded).to.equal(false);
  });

  it('passive by filename: accepts seqpacket connections, removes its file on close', async () => {
    const path = kindsPath('seq');
    const server = await listen(cleanup, path);
    expect(server).to.be.instanceOf(SocketSeqpacketLocalPassive);
    expect(server).to.be.instanceOf(PassiveSocket);
    expect(server.type).to.equal('seqpacket');
    expect(server.localFilename).to.equal(path);
    expect(lstatSync(path).isSocket()).to.equal(true);

    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: path }));
    const conn = cleanup.add(accepted(await accepting));
    expect(client).to.be.instanceOf(SocketSeqpacketLocalActive);
    expect(conn).to.be.instanceOf(SocketSeqpacketLocalActive);
    expect(client.remoteFilename).to.equal(path);
    expect(conn.localFilename).to.equal(path);
    expect(conn.peerCredentials().pid).to.equal(process.pid);

    const records = [Buffer.from('a'), Buffer.alloc(3000, 1), Buffer.from('bc')];
    for (const r of records) client.write(r);
    const got = await readMessages(conn, 3);
    expect(got.map((m) => m.data.length)).to.deep.equal([1, 3000, 2]);
    // Messages read on an accepted connection carry no bogus sender: the peer is unnamed.
    expect(got.every((m) => !m.filename)).to.equal(true);
    conn.write(Buffer.from('pong'));
    expect((await nextMessage(client)).data.toString()).to.equal('pong');

    await server.close();
    expect(existsSync(path)).to.equal(false);
  });

  it('passive in the abstract namespace; a second listener on the name is EADDRINUSE', async () => {
    const name = abstractName('seq');
    const server = await listen(cleanup, name, { abstract: true });
    expect(server.localName()).to.deep.equal({ filename: name, abstract: true });
    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: name, abstract: true }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketAddressInUseError);
    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: name, abstract: true }));
    const conn = cleanup.add(accepted(await accepting));
    client.write(Buffer.from('abstract record'));
    expect((await nextMessage(conn)).data.toString()).to.equal('abstract record');
  });

  it('for await over a seqpacket listener; each connection echoes its records until the end', async () => {
    const path = kindsPath('seqecho');
    const server = await listen(cleanup, path);
    const serving = (async () => {
      let n = 0;
      for await (const c of server) {
        const conn = c;
        cleanup.add(conn);
        for (;;) {
          const m = await nextOrEnd(conn);
          if (m === null) break;
          conn.write(m.data);
        }
        conn.end();
        if (++n === 2) break;
      }
    })();
    for (let k = 0; k < 2; k++) {
      const client = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: path }));
      const sent = Array.from({ length: 50 }, (_, i) => seqPayload(i + k * 1000, 300));
      for (const s of sent) client.write(s);
      client.end();
      const got: Buffer[] = [];
      for (;;) {
        const m = await nextOrEnd(client);
        if (m === null) break;
        got.push(m.data);
      }
      expect(got.length).to.equal(50);
      got.forEach((g, i) => expect(g.equals(sent[i]!)).to.equal(true));
    }
    await serving;
  });

  it('a python3 seqpacket client: records both ways keep their boundaries, empty ones too', async function () {
    await requirePython(this);
    const path = kindsPath('pyseq');
    const server = await listen(cleanup, path);
    const accepting = server.acceptConnection({ timeout: 10000 });
    const py = startPython(
      `import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
for n in (1, 10, 0, 0x1000, 2, 3, 0):
    s.send(bytes([n & 0xff]) * n)
sizes = []
while True:
    b = s.recv(100000)
    if not b: break
    sizes.append(str(len(b)))
print(' '.join(sizes))
`,
      [path],
    );
    cleanup.add(() => py.child.kill());
    const conn = cleanup.add(accepted(await accepting));
    const got = await readMessages(conn, 7);
    expect(got.map((m) => m.data.length)).to.deep.equal([1, 10, 0, 0x1000, 2, 3, 0]);
    got.forEach((m) => expect(m.data.every((x) => x === (m.data.length & 0xff))).to.equal(true));
    for (const n of [5, 1, 70000, 4]) conn.write(Buffer.alloc(n, 9));
    conn.end();
    expect(pythonOk(await py.done).trim()).to.equal('5 1 70000 4');
  });
});
