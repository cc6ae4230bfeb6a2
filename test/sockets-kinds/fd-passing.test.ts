/**
 * Issue 4, fd passing over local sockets: sendFileDescriptor / receiveFileDescriptor with every
 * kind of fd source, sendMessage / receiveMessage with data and several fds (SCM_RIGHTS,
 * MSG_CMSG_CLOEXEC), fds never leaked when fewer are asked for than were sent, and python3
 * as a foreign peer in both directions.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  makeSocketPair,
  makeSocketFromFd,
  SocketStreamLocalActive,
  SocketDatagramLocalActive,
  SocketSeqpacketLocalActive,
  SocketStreamInternetActive,
  SocketDatagramInternetActive,
  SocketEndpointShutdownError,
  PollTimeoutError,
  SocketError,
  SocketClosedError,
} from '../../lib/sockets/index.js';
import {
  KindsCleanup, kindsPath, digest, openFds, nextMessage, startPython, pythonLine, pythonOk, requirePython,
} from '../helpers/kinds.js';
import { accepted, expectInstance } from '../helpers/sockets.js';

type Local = SocketStreamLocalActive | SocketDatagramLocalActive | SocketSeqpacketLocalActive;

/** A temp file with `content`, open for reading; the fd is closed by cleanup. */
function tempFileFd(cleanup: KindsCleanup, content: string | Buffer): number {
  const path = cleanup.path(kindsPath('file'));
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  cleanup.add(() => closeSyncQuiet(fd));
  return fd;
}

function closeSyncQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Reads a whole file through an fd from offset 0 (pread), or a pipe to its end. */
function readFd(fd: number, pipe = false): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const b = Buffer.alloc(65536);
    const n = readSync(fd, b, 0, b.length, pipe ? null : pos);
    if (n === 0) break;
    out.push(b.subarray(0, n));
    pos += n;
  }
  return Buffer.concat(out);
}

/** Whether an fd of this process has FD_CLOEXEC (from /proc/self/fdinfo). */
function isCloexec(fd: number): boolean {
  const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  const flags = parseInt(/flags:\s*([0-7]+)/.exec(info)![1]!, 8);
  return (flags & 0o2000000) !== 0;
}

/** The same open file? (device and inode) */
function sameFile(a: number, b: number): boolean {
  const x = fstatSync(a);
  const y = fstatSync(b);
  return x.dev === y.dev && x.ino === y.ino;
}

function pair(cleanup: KindsCleanup, type: 'stream' | 'datagram' | 'seqpacket' = 'stream'): [Local, Local] {
  const [a, b] = makeSocketPair({ type });
  cleanup.add(a);
  cleanup.add(b);
  return [a, b];
}

/** Takes ownership of received fds so cleanup closes them even if the test fails. */
function own(cleanup: KindsCleanup, fds: number[]): number[] {
  for (const fd of fds) cleanup.add(() => closeSyncQuiet(fd));
  return fds;
}

describe('sockets-kinds: fd passing', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  describe('between two iolib sockets', () => {
    for (const type of ['stream', 'datagram', 'seqpacket'] as const) {
      it(`${type} pair: sendFileDescriptor(fd number) -> receiveFileDescriptor(): a new close-on-exec fd of the same file`, async () => {
        const [a, b] = pair(cleanup, type);
        const content = `content for ${type} ${randomBytes(8).toString('hex')}`;
        const fd = tempFileFd(cleanup, content);
        await a.sendFileDescriptor(fd);
        const got = own(cleanup, [await b.receiveFileDescriptor({ timeout: 5000 })])[0]!;
        expect(got).to.not.equal(fd);
        expect(sameFile(got, fd)).to.equal(true);
        expect(isCloexec(got), 'received with MSG_CMSG_CLOEXEC').to.equal(true);
        expect(readFd(got).toString()).to.equal(content);
      });
    }

    it('sendFileDescriptor takes a FileHandle', async () => {
      const [a, b] = pair(cleanup);
      const path = cleanup.path(kindsPath('fh'));
      writeFileSync(path, 'file handle content');
      const fh = await openFile(path, 'r');
      cleanup.add(() => fh.close());
      await a.sendFileDescriptor(fh);
      const got = own(cleanup, [await b.receiveFileDescriptor({ timeout: 5000 })])[0]!;
      expect(readFd(got).toString()).to.equal('file handle content');
    });

    it('sendFileDescriptor takes one of our sockets; the receiver adopts it with makeSocketFromFd and uses it', async () => {
      const [a, b] = pair(cleanup);
      const udpA = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
      const udpB = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
      await a.sendFileDescriptor(udpA);
      const fd = await b.receiveFileDescriptor({ timeout: 5000 });
      const adopted = cleanup.add(makeSocketFromFd(fd));
      expectInstance(adopted, SocketDatagramInternetActive);
      expect(adopted.fd).to.equal(fd);
      expect(adopted.localPort).to.equal(udpA.localPort);
      // The original may go away: the adopted fd is its own reference to the socket.
      await udpA.close();
      adopted.write({ data: Buffer.from('via the passed socket'), host: '127.0.0.1', port: udpB.localPort });
      const m = await nextMessage(udpB);
      expect(m.data.toString()).to.equal('via the passed socket');
      udpB.write({ data: Buffer.from('back'), host: '127.0.0.1', port: m.port });
      expect((await nextMessage(adopted)).data.toString()).to.equal('back');
    });

    it('sendFileDescriptor takes a node:net socket; the adopted fd carries the TCP connection', async () => {
      const [a, b] = pair(cleanup);
      const received: Buffer[] = [];
      let serverSide: net.Socket | undefined;
      const server = cleanup.add(
        net.createServer((s) => {
          serverSide = s;
          s.on('data', (d) => received.push(d));
        }),
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const client = cleanup.add(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
      await once(client, 'connect');
      await a.sendFileDescriptor(client);
      const fd = await b.receiveFileDescriptor({ timeout: 5000 });
      const adopted = cleanup.add(makeSocketFromFd(fd));
      expectInstance(adopted, SocketStreamInternetActive);
      expect(adopted.remotePort).to.equal((server.address() as net.AddressInfo).port);
      client.destroy();
      adopted.write('through the adopted fd');
      while (Buffer.concat(received).length < 22) await once(serverSide!, 'data');
      expect(Buffer.concat(received).toString()).to.equal('through the adopted fd');
    });

    for (const type of ['stream', 'seqpacket'] as const) {
      it(`${type}: closing our copy after passing a connected socket leaves the receiver's copy working both ways`, async () => {
        const [chanA, chanB] = pair(cleanup);
        const [near, far] = pair(cleanup, type);
        await chanA.sendFileDescriptor(far);
        // A graceful close of our copy must act like close(2): no shutdown of the shared socket.
        await far.close();
        const adopted = cleanup.add(makeSocketFromFd(await chanB.receiveFileDescriptor({ timeout: 5000 })));
        expectInstance(adopted, type === 'stream' ? SocketStreamLocalActive : SocketSeqpacketLocalActive);
        expect(adopted.type).to.equal(type);
        adopted.write(Buffer.from('adopted -> near'));
        near.write(Buffer.from('near -> adopted'));
        if (type === 'stream') {
          expect((await once(near, 'data'))[0].toString()).to.equal('adopted -> near');
          expect((await once(adopted, 'data'))[0].toString()).to.equal('near -> adopted');
        } else {
          expect((await nextMessage(near)).data.toString()).to.equal('adopted -> near');
          expect((await nextMessage(adopted)).data.toString()).to.equal('near -> adopted');
        }
      });
    }

    it('sendMessage carries data and three fds at once; receiveMessage returns them in order', async () => {
      const [a, b] = pair(cleanup);
      const fds = ['one', 'two', 'three'].map((c) => tempFileFd(cleanup, c));
      const data = randomBytes(1000);
      expect(await a.sendMessage({ data, fds })).to.equal(1000);
      const msg = (await b.receiveMessage({ size: 4096, timeout: 5000 }))!;
      own(cleanup, msg.fds);
      expect(digest(msg.data)).to.equal(digest(data));
      expect(msg.fds).to.have.length(3);
      expect(msg.truncated).to.equal(false);
      expect(msg.fds.map((fd) => readFd(fd).toString())).to.deep.equal(['one', 'two', 'three']);
      msg.fds.forEach((fd, i) => expect(sameFile(fd, fds[i]!)).to.equal(true));
      expect(msg.fds.every(isCloexec)).to.equal(true);
    });

    for (const type of ['stream', 'datagram', 'seqpacket'] as const) {
      it(`${type}: asking for fewer fds than were sent keeps the first ones, closes the rest, and says truncated`, async () => {
        const [a, b] = pair(cleanup, type);
        const fds = ['a', 'b', 'c', 'd'].map((c) => tempFileFd(cleanup, c));
        await a.sendMessage({ data: 'four fds', fds });
        const before = openFds();
        const msg = (await b.receiveMessage({ maxFds: 1, timeout: 5000 }))!;
        own(cleanup, msg.fds);
        const after = openFds();
        const added = [...after].filter((fd) => !before.has(fd));
        expect(msg.data.toString()).to.equal('four fds');
        expect(msg.truncated).to.equal(true);
        expect(msg.fds).to.have.length(1);
        expect(readFd(msg.fds[0]!).toString()).to.equal('a');
        expect(added, 'only the kept fd is new in /proc/self/fd').to.deep.equal(msg.fds);
      });
    }

    it('maxFds: 0 takes none and closes all; the data still arrives', async () => {
      const [a, b] = pair(cleanup, 'seqpacket');
      const fds = [tempFileFd(cleanup, 'x'), tempFileFd(cleanup, 'y')];
      await a.sendMessage({ data: 'no fds wanted', fds });
      const before = openFds();
      const msg = (await b.receiveMessage({ maxFds: 0, timeout: 5000 }))!;
      expect(msg.fds).to.deep.equal([]);
      expect(msg.truncated).to.equal(true);
      expect(msg.data.toString()).to.equal('no fds wanted');
      expect([...openFds()].filter((fd) => !before.has(fd))).to.deep.equal([]);
    });

    it('datagram: a payload longer than size is truncated (MSG_TRUNC) but its fds arrive', async () => {
      const [a, b] = pair(cleanup, 'datagram');
      const fd = tempFileFd(cleanup, 'kept');
      await a.sendMessage({ data: Buffer.alloc(100, 7), fds: [fd] });
      const msg = (await b.receiveMessage({ size: 10, timeout: 5000 }))!;
      own(cleanup, msg.fds);
      expect(msg.data).to.have.length(10);
      expect(msg.truncated).to.equal(true);
      expect(msg.fds).to.have.length(1);
      expect(readFd(msg.fds[0]!).toString()).to.equal('kept');
    });

    it('a stream message with fds but no data still goes (a NUL byte carries them)', async () => {
      const [a, b] = pair(cleanup);
      const fd = tempFileFd(cleanup, 'no data');
      expect(await a.sendMessage({ fds: [fd] })).to.equal(1);
      const msg = (await b.receiveMessage({ timeout: 5000 }))!;
      own(cleanup, msg.fds);
      expect(msg.fds).to.have.length(1);
      expect(readFd(msg.fds[0]!).toString()).to.equal('no data');
    });

    it('seqpacket: an fd sent without data is not a zero-length record (which would read as the end)', async () => {
      const [a, b] = pair(cleanup, 'seqpacket');
      await a.sendFileDescriptor(tempFileFd(cleanup, 'x'));
      a.write(Buffer.from('after'));
      // Read as a message stream (fds not taken are closed by the kernel): no premature end.
      const first = await nextMessage(b);
      expect(first.data.length).to.equal(1);
      expect((await nextMessage(b)).data.toString()).to.equal('after');
    });

    it('unix datagram sockets pass fds to an address: sendMessage({ remoteFilename })', async () => {
      const pb = cleanup.path(kindsPath('fdgb'));
      const pa = cleanup.path(kindsPath('fdga'));
      const b = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: pb }));
      const a = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: pa }));
      const fd = tempFileFd(cleanup, 'addressed');
      await a.sendMessage({ data: 'with fd', fds: [fd], remoteFilename: pb });
      const msg = (await b.receiveMessage({ timeout: 5000 }))!;
      own(cleanup, msg.fds);
      expect(msg.data.toString()).to.equal('with fd');
      expect(msg.filename).to.equal(pa);
      expect(readFd(msg.fds[0]!).toString()).to.equal('addressed');
    });

    it('receiveMessage: dontWait answers null when nothing is there; timeout rejects PollTimeoutError', async () => {
      const [, b] = pair(cleanup);
      expect(await b.receiveMessage({ dontWait: true })).to.equal(null);
      let err: unknown;
      try {
        await b.receiveMessage({ timeout: 30 });
      } catch (e) {
        err = e;
      }
      expectInstance(err, PollTimeoutError);
    });

    it('receiveFileDescriptor skips data-only messages and rejects at the end of the stream instead of hanging', async () => {
      const [a, b] = pair(cleanup, 'seqpacket');
      const fd = tempFileFd(cleanup, 'after data');
      await a.sendMessage({ data: 'plain data first' });
      await a.sendFileDescriptor(fd);
      const got = own(cleanup, [await b.receiveFileDescriptor({ timeout: 5000 })])[0]!;
      expect(readFd(got).toString()).to.equal('after data');
      await a.close();
      let err: unknown;
      try {
        await b.receiveFileDescriptor({ timeout: 5000 });
      } catch (e) {
        err = e;
      }
      expectInstance(err, SocketEndpointShutdownError);
    });

    it('an fd that is not open is EBADF naming options.fds, not a closed socket; the socket still works', async () => {
      const [a, b] = pair(cleanup);
      for (const send of [() => a.sendFileDescriptor(1_000_000), () => a.sendMessage({ data: Buffer.from('x'), fds: [1, 1_000_000] })]) {
        const err = await send().then(() => null, (e: unknown) => e);
        expectInstance(err, SocketError);
        expect(err).not.to.be.instanceOf(SocketClosedError);
        expect((err as SocketError).code).to.equal('EBADF');
        expect((err as SocketError).message).to.include('options.fds');
      }
      expect(a.isOpen()).to.equal(true);
      await a.sendFileDescriptor(1);
      closeSync(await b.receiveFileDescriptor()); // throws unless a new open fd came
    });

    it('an fd the receiver has no room for: receiveFileDescriptor rejects EMFILE, receiveMessage says fdsTruncated', async function () {
      this.timeout(20000);
      // A child with 64 fds, all taken before the fd arrives.
      const lib = JSON.stringify(fileURLToPath(new URL('../../lib/sockets/index.js', import.meta.url)));
      const code = `
        const { makeSocketPair } = await import(${lib});
        const fs = await import('node:fs');
        const out = [];
        for (const how of ['receiveFileDescriptor', 'receiveMessage']) {
          const [a, b] = makeSocketPair();
          const file = fs.openSync('/etc/hostname', 'r');
          const held = [];
          try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch {}
          await a.sendFileDescriptor(file);
          if (how === 'receiveFileDescriptor') {
            const err = await b.receiveFileDescriptor({ timeout: 5000 }).then(() => null, (e) => e);
            out.push([err.constructor.name, err.code]);
          } else {
            const m = await b.receiveMessage({ timeout: 5000 });
            out.push([m.fds.length, m.fdsTruncated, m.truncated]);
          }
          for (const fd of held) fs.closeSync(fd);
          fs.closeSync(file);
          // Closed before the next round fills the table: a queued close(2) finishing later
          // would free an fd under it.
          await Promise.all([a.close(), b.close()]);
        }
        console.log(JSON.stringify(out));`;
      const r = spawnSync('/bin/sh', ['-c', `ulimit -n 64; exec ${JSON.stringify(process.execPath)} --input-type=module -e "$CHILD"`], { env: { ...process.env, CHILD: code }, encoding: 'utf8', timeout: 15000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.deep.equal([['SocketDescriptorLimitError', 'EMFILE'], [0, true, true]]);
    });

    it('bad fd designators fail at once, as a rejection: a TypeError or RangeError (a closed socket: SocketClosedError)', async () => {
      const [a] = pair(cleanup);
      const closed = await makeSocket({ type: 'datagram' });
      await closed.close();
      for (const [bad, Cls] of [
        ['3', TypeError],
        [-1, RangeError],
        [1.5, RangeError],
        [closed, SocketClosedError],
        [{}, TypeError],
      ] as const) {
        let p: Promise<unknown> | undefined;
        expect(() => (p = a.sendFileDescriptor(bad as never)), `${String(bad)} must not throw synchronously`).to.not.throw();
        let err: unknown;
        try {
          await p;
        } catch (e) {
          err = e;
        }
        expect(err, String(bad)).to.be.instanceOf(Cls);
      }
      let err: unknown;
      try {
        await a.sendMessage({ fds: new Array(254).fill(0) });
      } catch (e) {
        err = e;
      }
      expectInstance(err, RangeError);
    });
  });

  describe('with python3 as the foreign peer', () => {
    /** A socketpair whose second end python gets as its fd 3; our copy of that end is closed. */
    async function pythonPair(code: string, args: string[] = []): Promise<{ ours: SocketStreamLocalActive; py: ReturnType<typeof startPython> }> {
      const [ours, theirs] = makeSocketPair();
      cleanup.add(ours);
      let py: ReturnType<typeof startPython>;
      try {
        py = startPython(code, args, [theirs.fd]);
      } finally {
        await theirs.close();
      }
      cleanup.add(() => py.child.kill());
      return { ours, py };
    }

    it('python sends a pipe and a socket with SCM_RIGHTS; we read the pipe and adopt and use the socket', async function () {
      await requirePython(this);
      const { ours, py } = await pythonPair(`import socket, os, array
chan = socket.socket(fileno=3)
chan.setblocking(True)
r, w = os.pipe()
os.write(w, b'from the python pipe')
os.close(w)
mine, yours = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
chan.sendmsg([b'two fds'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [r, yours.fileno()]))])
os.close(r); yours.close()
got = b''
while not got.endswith(b'!'):
    got += mine.recv(100)
mine.sendall(b'python got: ' + got)
mine.close()
`);
      const msg = (await ours.receiveMessage({ timeout: 10000 }))!;
      own(cleanup, msg.fds);
      expect(msg.data.toString()).to.equal('two fds');
      expect(msg.fds).to.have.length(2);
      expect(msg.fds.every(isCloexec)).to.equal(true);
      expect(readFd(msg.fds[0]!, true).toString()).to.equal('from the python pipe');

      const sock = cleanup.add(makeSocketFromFd(msg.fds[1]!));
      expectInstance(sock, SocketStreamLocalActive);
      expect(sock.type).to.equal('stream');
      expect(sock.peerCredentials().pid).to.equal(py.child.pid);
      sock.write('hello python!');
      const reply: Buffer[] = [];
      for await (const c of sock) reply.push(c as Buffer);
      expect(Buffer.concat(reply).toString()).to.equal('python got: hello python!');
      pythonOk(await py.done);
    });

    it('we send a file and a socket to python; python reads the file and talks over the socket', async function () {
      await requirePython(this);
      const content = randomBytes(50_000);
      const fileFd = tempFileFd(cleanup, content);
      const [near, far] = makeSocketPair();
      cleanup.add(near);
      cleanup.add(far);
      const { ours, py } = await pythonPair(`import socket, os, array, hashlib
chan = socket.socket(fileno=3)
chan.setblocking(True)
fds = array.array('i')
data, anc, flags, addr = chan.recvmsg(100, socket.CMSG_SPACE(16 * fds.itemsize))
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[:len(payload) - (len(payload) % fds.itemsize)])
f, s = fds[0], fds[1]
body = b''
while True:
    b = os.pread(f, 65536, len(body))
    if not b: break
    body += b
sock = socket.socket(fileno=s)
sock.setblocking(True)
sock.sendall(b'python says hi')
sock.close()
print(data.decode(), len(fds), len(body), hashlib.sha256(body).hexdigest(), flush=True)
`);
      await ours.sendMessage({ data: 'file+socket', fds: [fileFd, far] });
      // Our copy of `far` is no longer needed: python's copy keeps the connection.
      await far.close();
      const got: Buffer[] = [];
      for await (const c of near) got.push(c as Buffer);
      expect(Buffer.concat(got).toString()).to.equal('python says hi');
      const out = pythonOk(await py.done).trim();
      expect(out).to.equal(`file+socket 2 ${content.length} ${digest(content)}`);
    });

    it('python sends a listening socket; we adopt it as a passive socket and accept on it', async function () {
      await requirePython(this);
      const path = cleanup.path(kindsPath('pylisten'));
      const { ours, py } = await pythonPair(
        `import socket, array, sys
chan = socket.socket(fileno=3)
chan.setblocking(True)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(4)
chan.sendmsg([b'L'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [srv.fileno()]))])
srv.close()
chan.recv(1)
`,
        [path],
      );
      const fd = await ours.receiveFileDescriptor({ timeout: 10000 });
      const { SocketStreamLocalPassive } = await import('../../lib/sockets/index.js');
      const server = cleanup.add(makeSocketFromFd(fd) as InstanceType<typeof SocketStreamLocalPassive>);
      expectInstance(server, SocketStreamLocalPassive);
      expect(server.localFilename).to.equal(path);
      const accepting = server.acceptConnection({ timeout: 5000 });
      const client = cleanup.add(net.connect(path));
      const conn = cleanup.add(accepted(await accepting));
      client.write('accepted on an adopted listener');
      let text = '';
      while (text.length < 31) text += ((await once(conn, 'data')) as [Buffer])[0].toString();
      expect(text).to.equal('accepted on an adopted listener');
      ours.write('x');
      pythonOk(await py.done);
    });

    it('python handshake through a Unix path: it connects, we send it our fd, it reports what it got', async function () {
      await requirePython(this);
      const path = cleanup.path(kindsPath('pyfd'));
      const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
      const py = startPython(
        `import socket, sys, array, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
print('connected', flush=True)
msg, fds, flags, addr = socket.recv_fds(s, 100, 4)
print(msg.decode(), len(fds), os.pread(fds[0], 100, 0).decode(), flush=True)
`,
        [path],
      );
      cleanup.add(() => py.child.kill());
      expect(await pythonLine(py.child)).to.equal('connected');
      const conn = cleanup.add(accepted(await server.acceptConnection({ timeout: 5000 })));
      await conn.sendMessage({ data: 'hi', fds: [tempFileFd(cleanup, 'shared file')] });
      expect(pythonOk(await py.done).trim().split('\n').pop()).to.equal('hi 1 shared file');
    });
  });
});
