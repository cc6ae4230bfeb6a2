/**
 * Behaviour the IOLib manual asks for that a check of the code against it found missing:
 * nodelay on listeners, connect with an aborted signal, a bad datagram address failing only its
 * own write, adopted listeners, backlog limits, makeSocketPair's options, and raw socket options.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  makeSocket, makeSocketFromFd, makeSocketPair, maxBacklogSize, defaultBacklogSize, AbortError,
  SocketStreamInternetActive, SocketStreamInternetPassive, SocketDatagramInternetActive,
} from '../../lib/sockets/index.js';
import { native } from '../../lib/native.js';
import { asInstance, Cleanup, rejectsWith } from '../helpers/sockets.js';

const C = native.constants;


describe('sockets: fixes from checking the IOLib manual', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('nodelay is an option of internet stream listeners, and accepted connections inherit it', async function () {
    const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, nodelay: true }), SocketStreamInternetPassive));
    expect(server.getOption('tcpNodelay')).to.equal(true);
    const accepting = server.acceptConnection();
    cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
    const conn = cleanup.add(asInstance(await accepting, SocketStreamInternetActive));
    expect(conn.getOption('tcpNodelay')).to.equal(true);
  });

  it('connect() with an already-aborted signal rejects with AbortError and makes no connection', async function () {
    const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }), SocketStreamInternetPassive));
    const s = cleanup.add(asInstance(await makeSocket({}), SocketStreamInternetActive));
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const err = await rejectsWith(s.connect('127.0.0.1', { port: server.localPort!, signal: controller.signal }), AbortError);
    expect(err.code).to.equal('ABORT_ERR');
    expect(s.isConnected()).to.equal(false);
    expect(await server.acceptConnection({ wait: false })).to.equal(null);
  });

  it('an object-mode datagram write with a bad or missing port throws for that write; the socket stays usable', async function () {
    const rx = cleanup.add(asInstance(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }), SocketDatagramInternetActive));
    const tx = cleanup.add(asInstance(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }), SocketDatagramInternetActive));
    expect(() => tx.write({ data: Buffer.from('a'), host: '127.0.0.1', port: 70000 })).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
    expect(() => tx.write({ data: Buffer.from('a'), host: '127.0.0.1' })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    expect(() => tx.write({ data: Buffer.from('a'), host: '127.0.0.1', port: {} as unknown as number })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    expect(tx.destroyed).to.equal(false);
    tx.write({ data: Buffer.from('still here'), host: '127.0.0.1', port: rx.localPort! });
    const [msg] = await once(rx, 'data');
    expect(String(msg.data)).to.equal('still here');
  });

  it('an adopted listening fd is listening', async function () {
    const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }), SocketStreamInternetPassive));
    const adopted = cleanup.add(asInstance(makeSocketFromFd(native.dupFd(server.fd)), SocketStreamInternetPassive));
    expect(adopted.isListening()).to.equal(true);
  });

  it("an adopted listening fd's connections get makeSocketFromFd's stream options (a made listener's get makeSocket's)", async function () {
    const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }), SocketStreamInternetPassive));
    const adopted = cleanup.add(asInstance(makeSocketFromFd(native.dupFd(server.fd), { encoding: 'latin1', inputBufferSize: 4096 }), SocketStreamInternetPassive));
    const client = makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }).then((c) => cleanup.add(c));
    const conn = cleanup.add(await adopted.acceptConnection());
    expect(conn.encoding).to.equal('latin1');
    expect(conn.inputBufferSize).to.equal(4096);
    await client;
  });

  it('maxBacklogSize is the kernel somaxconn; a larger backlog is capped to it; the default is 511 at most', async function () {
    expect(maxBacklogSize).to.equal(Number(readFileSync('/proc/sys/net/core/somaxconn', 'latin1').trim()));
    expect(defaultBacklogSize).to.equal(Math.min(511, maxBacklogSize));
    const server = cleanup.add(asInstance(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0, backlog: maxBacklogSize + 1000 }), SocketStreamInternetPassive));
    let ss: string;
    try {
      ss = execFileSync('ss', ['-ltnH', `sport = :${server.localPort}`], { encoding: 'latin1' });
    } catch {
      this.skip();
    }
    // ss shows a listener's backlog as its Send-Q.
    expect(ss.trim().split(/\s+/)[2]).to.equal(String(maxBacklogSize));
  });

  it('makeSocketPair rejects options it does not take, like makeSocket', function () {
    expect(() => makeSocketPair({ remoteHost: '127.0.0.1' } as never)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
    const [a, b] = makeSocketPair({ type: 'stream', allowHalfOpen: false });
    expect(a.allowHalfOpen).to.equal(false);
    cleanup.add(a);
    cleanup.add(b);
  });

  it('getOption and setOption take options outside the table by number: a C int, or bytes with a size', async function () {
    const s = cleanup.add(asInstance(await makeSocket({ remoteHost: '127.0.0.1', remotePort: asInstance(cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 })), SocketStreamInternetPassive).localPort! }), SocketStreamInternetActive));
    const rcvbuf = { level: C['SOL_SOCKET']!, option: C['SO_RCVBUF']! };
    s.setOption(rcvbuf, 50000);
    expect(s.getOption(rcvbuf)).to.equal(s.getOption('receiveBuffer'));
    s.setOption({ level: C['IPPROTO_TCP']!, option: C['TCP_NODELAY']! }, Buffer.from(new Int32Array([1]).buffer));
    expect(s.getOption('tcpNodelay')).to.equal(true);
    // TCP_INFO (11 on Linux): a struct, read as bytes; its first byte is the state, 1 = ESTABLISHED.
    const info = s.getOption({ level: C['IPPROTO_TCP']!, option: 11, size: 104 });
    expect(info).to.be.instanceOf(Buffer);
    expect((info as Buffer)[0]).to.equal(1);
    expect(() => s.getOption({ level: -1, option: 1 })).to.throw(RangeError).with.property('code', 'ERR_OUT_OF_RANGE');
    expect(() => s.setOption(rcvbuf, 'big')).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    expect(() => s.setOption({ ...rcvbuf, size: 4 }, 1)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
  });
});
