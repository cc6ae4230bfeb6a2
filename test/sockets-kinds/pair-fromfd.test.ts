/**
 * Issue 4: makeSocketPair for every type, and makeSocketFromFd discovering family, type and
 * passive/active from the kernel (SO_DOMAIN, SO_TYPE, SO_ACCEPTCONN) and owning the fd.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  makeSocketPair,
  makeSocketFromFd,
  ActiveSocket,
  PassiveSocket,
  SocketStreamLocalActive,
  SocketStreamLocalPassive,
  SocketDatagramLocalActive,
  SocketSeqpacketLocalActive,
  SocketSeqpacketLocalPassive,
  SocketStreamInternetActive,
  SocketStreamInternetPassive,
  SocketDatagramInternetActive,
  SocketError,
  SocketClosedError,
} from '../../lib/sockets/index.js';
import {
  KindsCleanup, kindsPath, digest, nextMessage, startPython, pythonOk, requirePython, requireUdp6,
} from '../helpers/kinds.js';
import { accepted, expectInstance, readExactly } from '../helpers/sockets.js';



function fdOpen(fd: number): boolean {
  try {
    readlinkSync(`/proc/self/fd/${fd}`);
    return true;
  } catch {
    return false;
  }
}

function fdFlags(fd: number): number {
  return parseInt(/flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
}
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

describe('sockets-kinds: makeSocketPair and makeSocketFromFd', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  /** A new fd for the same socket as `source`, passed to ourselves over a pair (a real dup). */
  async function passedFd(source: { fd: number }): Promise<number> {
    const [a, b] = makeSocketPair();
    try {
      await a.sendFileDescriptor(source);
      return await b.receiveFileDescriptor({ timeout: 5000 });
    } finally {
      await a.close({ abort: true });
      await b.close({ abort: true });
    }
  }

  describe('makeSocketPair', () => {
    it("defaults to 'stream': two connected local byte streams, data both ways and half-close", async () => {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      for (const s of [a, b]) {
        expectInstance(s, SocketStreamLocalActive);
        expect(s.readableObjectMode).to.equal(false);
        expect(s.isConnected()).to.equal(true);
        expect(s.peerCredentials().pid).to.equal(process.pid);
      }
      const x = randomBytes(200_000);
      const y = randomBytes(70_001);
      a.end(x);
      const [gotX] = await Promise.all([readExactly(b, x.length)]);
      expect(digest(gotX)).to.equal(digest(x));
      b.end(y);
      expect(digest(await readExactly(a, y.length))).to.equal(digest(y));
    });

    it("'datagram' and 'seqpacket' pairs are object-mode and keep boundaries", async () => {
      for (const [type, Cls] of [['datagram', SocketDatagramLocalActive], ['seqpacket', SocketSeqpacketLocalActive]] as const) {
        const [a, b] = makeSocketPair({ type });
        cleanup.add(a);
        cleanup.add(b);
        expect(a, type).to.be.instanceOf(Cls);
        expect(a.type).to.equal(type);
        a.write(Buffer.from('x'));
        a.write(Buffer.from('yz'));
        expect((await nextMessage(b)).data.toString(), type).to.equal('x');
        expect((await nextMessage(b)).data.toString(), type).to.equal('yz');
      }
    });

    it('passes buffer options to both sockets', () => {
      const [a, b] = makeSocketPair({ type: 'stream', inputBufferSize: 1024, outputBufferSize: 2048 });
      cleanup.add(a);
      cleanup.add(b);
      expect(a.inputBufferSize).to.equal(1024);
      expect(b.outputBufferSize).to.equal(2048);
    });

    it('rejects bad options with TypeError / RangeError', () => {
      expect(() => makeSocketPair({ type: 'raw' as never })).to.throw(TypeError);
      expect(() => makeSocketPair({ type: 'nonsense' as never })).to.throw(TypeError);
      expect(() => makeSocketPair({ protocol: 'x' as never })).to.throw(TypeError);
      expect(() => makeSocketPair({ inputBufferSize: 0 })).to.throw(RangeError);
      expect(() => makeSocketPair(42 as never)).to.throw(TypeError);
    });

    it('fds are non-blocking and close-on-exec; close releases both', async () => {
      const [a, b] = makeSocketPair({ type: 'seqpacket' });
      const fds = [a.fd, b.fd];
      for (const fd of fds) {
        expect(fdFlags(fd) & O_NONBLOCK).to.not.equal(0);
        expect(fdFlags(fd) & O_CLOEXEC).to.not.equal(0);
      }
      await a.close();
      await b.close();
      expect(fds.map(fdOpen)).to.deep.equal([false, false]);
    });
  });

  describe('makeSocketFromFd', () => {
    it('discovers an internet stream listener (passive) and accepts on it', async () => {
      const original = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
      const fd = await passedFd(original);
      const s = cleanup.add(makeSocketFromFd(fd));
      expectInstance(s, SocketStreamInternetPassive);
      expectInstance(s, PassiveSocket);
      expect(s.fd).to.equal(fd);
      expect(s.addressFamily).to.equal('internet');
      expect(s.type).to.equal('stream');
      expect(s.ipv6).to.equal(false);
      expect(s.protocol).to.equal('tcp');
      expect(s.localPort).to.equal(original.localPort);
      await original.close();
      const accepting = s.acceptConnection({ timeout: 5000 });
      const c = cleanup.add(net.connect(s.localPort!, '127.0.0.1'));
      const conn = cleanup.add(accepted(await accepting));
      expectInstance(conn, SocketStreamInternetActive);
      c.write('hi');
      expect((await readExactly(conn, 2)).toString()).to.equal('hi');
    });

    it('discovers an IPv6 TCP listener (ipv6: true)', async function () {
      await requireUdp6(this);
      const original = cleanup.add(await makeSocket({ connect: 'passive', localHost: '::1', localPort: 0 }));
      const s = cleanup.add(makeSocketFromFd(await passedFd(original)));
      expect(s.ipv6).to.equal(true);
      expect(s.localHost!.toString()).to.equal('::1');
    });

    it('discovers a connected internet stream (active) from node:net and reads and writes on it', async () => {
      let serverSide: net.Socket | undefined;
      const server = cleanup.add(net.createServer((x) => (serverSide = x)));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const client = cleanup.add(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
      await Promise.all([once(client, 'connect'), once(server, 'connection')]);
      const s = cleanup.add(makeSocketFromFd(await passedFd(client as unknown as { fd: number })));
      client.destroy();
      expectInstance(s, SocketStreamInternetActive);
      expectInstance(s, ActiveSocket);
      expect(s.isConnected()).to.equal(true);
      expect(s.remotePort).to.equal((server.address() as net.AddressInfo).port);
      serverSide!.write('from node');
      expect((await readExactly(s, 9)).toString()).to.equal('from node');
    });

    it('discovers a connected UDP socket: reads carry the peer address', async () => {
      const peer = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
      const original = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: peer.localPort }));
      const s = cleanup.add(makeSocketFromFd(await passedFd(original)));
      await original.close();
      expectInstance(s, SocketDatagramInternetActive);
      expect(s.type).to.equal('datagram');
      expect(s.protocol).to.equal('udp');
      expect(s.isConnected()).to.equal(true);
      s.write(Buffer.from('adopted udp'));
      const m = await nextMessage(peer);
      expect(m.data.toString()).to.equal('adopted udp');
      peer.write({ data: Buffer.from('reply'), host: m.host, port: m.port });
      const r = await nextMessage(s);
      expect(r.data.toString()).to.equal('reply');
      expect(r.port).to.equal(peer.localPort);
    });

    it('discovers local stream and seqpacket listeners and a local datagram socket', async () => {
      const p1 = kindsPath('fromfd-stream');
      const p2 = kindsPath('fromfd-seq');
      const p3 = kindsPath('fromfd-dg');
      for (const p of [p1, p2, p3]) cleanup.path(p);
      const o1 = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: p1 }));
      const o2 = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: p2 }));
      const o3 = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: p3 }));
      const s1 = cleanup.add(makeSocketFromFd(await passedFd(o1)));
      const s2 = cleanup.add(makeSocketFromFd(await passedFd(o2)));
      const s3 = cleanup.add(makeSocketFromFd(await passedFd(o3)));
      expectInstance(s1, SocketStreamLocalPassive);
      expectInstance(s2, SocketSeqpacketLocalPassive);
      expectInstance(s3, SocketDatagramLocalActive);
      expect((s2).localFilename).to.equal(p2);
      expect((s3).localFilename).to.equal(p3);
      // The adopted seqpacket listener accepts seqpacket connections.
      const accepting = (s2).acceptConnection({ timeout: 5000 });
      const c = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: p2 }));
      const conn = cleanup.add((await accepting)!);
      c.write(Buffer.from('rec'));
      expect((await nextMessage(conn)).data.toString()).to.equal('rec');
    });

    it('takes ownership: the fd is made non-blocking and close-on-exec, and close() closes it', async function () {
      await requirePython(this);
      // python hands over a *blocking* socket, as most foreign code would.
      const [ours, theirs] = makeSocketPair();
      cleanup.add(ours);
      let py: ReturnType<typeof startPython>;
      try {
        py = startPython(
          `import socket, array
chan = socket.socket(fileno=3)
chan.setblocking(True)
a, b = socket.socketpair()
a.setblocking(True)
chan.sendmsg([b'S'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [a.fileno()]))])
a.close()
print(b.recv(100).decode(), flush=True)
`,
          [],
          [theirs.fd],
        );
      } finally {
        await theirs.close({ abort: true });
      }
      cleanup.add(() => py.child.kill());
      const fd = await ours.receiveFileDescriptor({ timeout: 10000 });
      const s = makeSocketFromFd(fd);
      cleanup.add(s);
      expectInstance(s, SocketStreamLocalActive);
      expect(fdFlags(fd) & O_NONBLOCK, 'non-blocking after adoption').to.not.equal(0);
      expect(fdFlags(fd) & O_CLOEXEC, 'close-on-exec after adoption').to.not.equal(0);
      s.write('adopted and used');
      expect(pythonOk(await py.done).trim()).to.equal('adopted and used');
      await s.close();
      expect(s.fd).to.equal(-1);
      expect(fdOpen(fd), 'fd closed by close()').to.equal(false);
    });

    it('rejects non-sockets and bad fd numbers without taking or closing them', () => {
      const path = cleanup.path(kindsPath('notasocket'));
      const fileFd = openSync(path, 'w');
      cleanup.add(() => {
        try {
          closeSync(fileFd);
        } catch {
          // closed
        }
      });
      let err: unknown;
      try {
        makeSocketFromFd(fileFd);
      } catch (e) {
        err = e;
      }
      expectInstance(err, SocketError);
      expect((err as SocketError).code).to.equal('ENOTSOCK');
      expect(fdOpen(fileFd), 'a rejected fd stays open: the caller still owns it').to.equal(true);

      expect(() => makeSocketFromFd(-1)).to.throw(RangeError);
      expect(() => makeSocketFromFd(1.5)).to.throw(RangeError);
      expect(() => makeSocketFromFd('3' as never)).to.throw(TypeError);
      expect(() => makeSocketFromFd(0, { connect: 'sideways' as never })).to.throw(TypeError);
      // An fd that is not open is EBADF about that fd, not a closed socket.
      err = undefined;
      try {
        makeSocketFromFd(1_000_000);
      } catch (e) {
        err = e;
      }
      expectInstance(err, SocketError);
      expect(err).not.to.be.instanceOf(SocketClosedError);
      expect((err as SocketError).code).to.equal('EBADF');
      expect((err as SocketError).message).to.include('fd: 1000000 is not an open file descriptor');
    });

    it('passing a closed iolib socket as the fd to send is SocketClosedError naming the argument, as the multiplexer\'s', async () => {
      const [a, b] = makeSocketPair();
      cleanup.add(a);
      cleanup.add(b);
      const [c, d] = makeSocketPair();
      cleanup.add(d);
      await c.close();
      for (const [send, name] of [[() => a.sendFileDescriptor(c), 'fd'], [() => a.sendMessage({ fds: [c] }), 'options.fds[0]']] as const) {
        let err: unknown;
        try {
          await send();
        } catch (e) {
          err = e;
        }
        expectInstance(err, SocketClosedError);
        expect((err as SocketClosedError).code).to.equal('ERR_SOCKET_CLOSED');
        expect((err as Error).message).to.include(name);
      }
    });

    it("connect: 'passive' on a datagram fd is a TypeError", async () => {
      const [a, b] = makeSocketPair({ type: 'datagram' });
      cleanup.add(a);
      cleanup.add(b);
      const fd = await passedFd(a);
      let err: unknown;
      try {
        cleanup.add(makeSocketFromFd(fd, { connect: 'passive' }));
      } catch (e) {
        err = e;
      }
      expectInstance(err, TypeError);
      if (fdOpen(fd)) closeSync(fd);
    });
  });

  it('refuses an fd one of our sockets already owns, which keeps working', async () => {
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    let err: unknown;
    try {
      makeSocketFromFd(a.fd);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
    expect((err as Error).message).to.match(/already owned/);
    a.write('still mine');
    const [chunk] = await once(b, 'data');
    expect(String(chunk)).to.equal('still mine');
  });
});
