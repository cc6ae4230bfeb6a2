/**
 * `iolib relay` as a child process against real peers: socat and python3 echo servers and
 * clients on loopback and Unix sockets. Every endpoint kind carries a random file both ways
 * (the echo comes back through the relay), checked with SHA-256, so half-close has to pass
 * end to end for the runs to finish.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { requireIpv6, sha256 } from '../helpers/sockets.js';
import { iolib, oneLineError, requireTools, start, startIolib, type Running } from '../helpers/processes.js';

/** Echo servers and datagram/seqpacket clients, in python3. */
const PEER = String.raw`
import socket, sys, threading
mode, kind = sys.argv[1], sys.argv[2]
addr = sys.argv[3] if len(sys.argv) > 3 else None
BIG = 4 << 20
def say(x): print(x, flush=True)
def dgram(family):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BIG)
    return s
if mode == 'echo':
    if kind == 'tcp':
        srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1); say(srv.getsockname()[1])
        c, _ = srv.accept()
        while True:
            d = c.recv(65536)
            if not d: break
            c.sendall(d)
        c.shutdown(socket.SHUT_WR); c.close()
    else:
        if kind == 'udp':
            s = dgram(socket.AF_INET); s.bind(('127.0.0.1', 0)); say(s.getsockname()[1])
        else:
            s = dgram(socket.AF_UNIX); s.bind(addr); say('ready')
        while True:
            d, peer = s.recvfrom(65536)
            s.sendto(d, peer)
            if not d: break
else:
    data = sys.stdin.buffer.read()
    if kind == 'udp':
        s = dgram(socket.AF_INET); s.connect(('127.0.0.1', int(addr)))
    elif kind == 'unix-dgram':
        s = dgram(socket.AF_UNIX); s.bind(''); s.connect(addr)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(addr)
    got = []
    def reader():
        while True:
            d = s.recv(65536)
            if not d: return
            got.append(d)
    t = threading.Thread(target=reader); t.start()
    for i in range(0, len(data), 8192): s.send(data[i:i + 8192])
    if kind == 'seqpacket': s.shutdown(socket.SHUT_WR)
    else: s.send(b'')
    t.join()
    sys.stdout.buffer.write(b''.join(got))
`;

const STREAM_FILE = 2 * 1024 * 1024;
/** UDP has no flow control: a file that fits the receive buffers along the way. */
const UDP_FILE = 200 * 1024;

describe('iolib relay', function () {
  this.timeout(60_000);
  const running: Running[] = [];
  const paths: string[] = [];
  const tag = () => `iolib-cli-${process.pid}-${randomBytes(5).toString('hex')}`;
  const path = () => {
    const p = join(tmpdir(), tag());
    paths.push(p);
    return p;
  };
  const track = (r: Running) => (running.push(r), r);

  before(function () {
    requireTools(this, 'socat', 'python3');
  });

  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    for (const p of paths.splice(0)) rmSync(p, { force: true });
  });

  /** An echo server of `kind`; resolves to the endpoint text that reaches it. */
  async function echo(kind: 'tcp' | 'udp' | 'unix' | 'abstract' | 'unix-dgram' | 'seqpacket'): Promise<string> {
    if (kind === 'tcp' || kind === 'udp') {
      const peer = track(start('python3', ['-c', PEER, 'echo', kind]));
      const [port] = await peer.line(/^\d+$/m);
      return `${kind}:127.0.0.1:${port}`;
    }
    if (kind === 'unix-dgram') {
      const p = path();
      const peer = track(start('python3', ['-c', PEER, 'echo', kind, p]));
      await peer.line(/^ready$/m);
      return `unix-dgram:${p}`;
    }
    const name = kind === 'abstract' ? tag() : path();
    const listen = kind === 'abstract' ? `ABSTRACT-LISTEN:${name}` : kind === 'unix' ? `UNIX-LISTEN:${name}` : `UNIX-LISTEN:${name},type=5`;
    const peer = track(start('socat', ['-d', '-d', listen, 'EXEC:cat']));
    await peer.line(/listening on/);
    return `${kind}:${name}`;
  }

  /** Sends `data` through `client` (a command line) and expects it back intact. */
  async function roundTrip(client: Running, data: Buffer, relay: Running): Promise<void> {
    const [got, relayed] = await Promise.all([client.done, relay.done]);
    expect(relayed.stderr, 'relay stderr').to.not.match(/\n\s+at /);
    expect(relayed.code, `relay: ${relayed.stderr}`).to.equal(0);
    expect(got.code, `client: ${got.stderr}`).to.equal(0);
    expect(got.stdout.length, 'bytes back').to.equal(data.length);
    expect(sha256(got.stdout)).to.equal(sha256(data));
  }

  for (const kind of ['tcp', 'udp', 'unix', 'abstract', 'unix-dgram', 'seqpacket'] as const) {
    it(`stdio <-> ${kind}: a file goes out and comes back from an echo server`, async () => {
      const data = randomBytes(kind === 'udp' ? UDP_FILE : STREAM_FILE);
      const target = await echo(kind);
      const r = await iolib(['relay', 'stdio', target], { input: data });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.length).to.equal(data.length);
      expect(sha256(r.stdout)).to.equal(sha256(data));
    });
  }

  // Each listening kind, bridged to a connecting kind of another family or type.
  const bridges: { listen: (p: string) => string; peer: 'tcp' | 'udp' | 'unix' | 'abstract' | 'unix-dgram' | 'seqpacket'; client: (where: string) => [string, string[]]; size: number }[] = [
    { listen: () => 'tcp-listen:127.0.0.1:0', peer: 'unix', client: (w) => ['socat', ['-t', '30', 'STDIO', `TCP:${w}`]], size: STREAM_FILE },
    { listen: (p) => `unix-listen:${p}`, peer: 'tcp', client: (w) => ['socat', ['-t', '30', 'STDIO', `UNIX-CONNECT:${w}`]], size: STREAM_FILE },
    { listen: (p) => `abstract-listen:${p.split('/').pop()}`, peer: 'seqpacket', client: (w) => ['socat', ['-t', '30', 'STDIO', `ABSTRACT-CONNECT:${w.slice(1)}`]], size: STREAM_FILE },
    { listen: (p) => `seqpacket-listen:${p}`, peer: 'abstract', client: (w) => ['python3', ['-c', PEER, 'client', 'seqpacket', w]], size: STREAM_FILE },
    { listen: () => 'udp-listen:127.0.0.1:0', peer: 'unix-dgram', client: (w) => ['python3', ['-c', PEER, 'client', 'udp', w.split(':').pop()!]], size: UDP_FILE },
    { listen: (p) => `unix-dgram-listen:${p}`, peer: 'udp', client: (w) => ['python3', ['-c', PEER, 'client', 'unix-dgram', w]], size: UDP_FILE },
  ];
  for (const b of bridges) {
    const name = b.listen('/PATH').replace(/:.*/, '');
    it(`${name} <-> ${b.peer}: a client's file crosses both kinds and comes back`, async () => {
      const data = randomBytes(b.size);
      const target = await echo(b.peer);
      const relay = track(startIolib(['relay', '-v', b.listen(path()), target]));
      const [, where] = await relay.line(/listening on (\S+)/);
      const [command, args] = b.client(where!);
      const client = track(start(command, args, { input: data }));
      await roundTrip(client, data, relay);
    });
  }

  it('half-close: a file still crosses relay -> relay after the other direction has ended', async () => {
    const data = randomBytes(STREAM_FILE);
    const p = path();
    // The receiver's stdin is empty: its direction ends at once, and the sender must still be heard.
    const receiver = track(startIolib(['relay', '-v', `unix-listen:${p}`, 'stdio'], { input: '' }));
    await receiver.line(/listening on/);
    const sender = await iolib(['relay', 'stdio', `unix:${p}`], { input: data });
    expect(sender.code, sender.stderr).to.equal(0);
    expect(sender.stdout.length).to.equal(0);
    const received = await receiver.done;
    expect(received.code, received.stderr).to.equal(0);
    expect(sha256(received.stdout)).to.equal(sha256(data));
  });

  it('a listener on IPv6 loopback announces [::1]:PORT and relays', async function () {
    await requireIpv6(this);
    const data = randomBytes(64 * 1024);
    const relay = track(startIolib(['relay', 'tcp-listen:[::1]:0', 'stdio'], { input: '' }));
    const [, where] = await relay.line(/listening on (\S+)/);
    expect(where).to.match(/^\[::1\]:\d+$/);
    const sender = await iolib(['relay', 'stdio', `tcp:${where}`], { input: data });
    expect(sender.code, sender.stderr).to.equal(0);
    const received = await relay.done;
    expect(received.code, received.stderr).to.equal(0);
    expect(sha256(received.stdout)).to.equal(sha256(data));
  });

  it('a peer that resets mid-transfer makes the relay exit 1 with one line', async () => {
    const peer = track(start('python3', ['-c', String.raw`
import socket, struct
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1); print(srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.recv(1000)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
c.close()
`]));
    const [port] = await peer.line(/^\d+$/m);
    const r = await iolib(['relay', 'stdio', `tcp:127.0.0.1:${port}`], { input: randomBytes(32 * 1024 * 1024) });
    expect(r.code, r.stderr).to.equal(1);
    expect(oneLineError(r)).to.match(new RegExp(`^iolib relay: tcp:127\\.0\\.0\\.1:${port}: .*(ECONNRESET|EPIPE|closed)`));
  });

  it('a UDP peer port nobody listens on (ICMP port unreachable) exits 1 naming the endpoint, as socat', async () => {
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    await new Promise<void>((resolve) => probe.close(resolve));
    const r = await iolib(['relay', 'stdio', `udp:127.0.0.1:${port}`], { input: 'hello\n' });
    expect(r.code, r.stderr).to.equal(1);
    expect(oneLineError(r)).to.equal(`iolib relay: udp:127.0.0.1:${port}: recvfrom ECONNREFUSED`);
  });

  it('--timeout ends the relay when the other direction never ends', async () => {
    // The peer reads to the end, answers, and keeps its side open.
    const peer = track(start('python3', ['-c', String.raw`
import socket, time
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1); print(srv.getsockname()[1], flush=True)
c, _ = srv.accept()
while c.recv(65536): pass
c.sendall(b'still here')
time.sleep(60)
`]));
    const [port] = await peer.line(/^\d+$/m);
    const r = await iolib(['relay', '-v', '--timeout', '300', 'stdio', `tcp:127.0.0.1:${port}`], { input: 'hello' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.toString()).to.equal('still here');
    expect(r.stderr).to.match(/cut off by --timeout/);
  });

  it('unix-dgram-listen removes its socket file when the relay ends', async () => {
    const p = path();
    const relay = track(startIolib(['relay', '-v', `unix-dgram-listen:${p}`, 'stdio'], { input: '' }));
    await relay.line(/listening on/);
    expect(existsSync(p)).to.equal(true);
    const client = await start('python3', ['-c', PEER, 'client', 'unix-dgram', p], { input: 'one datagram' }).done;
    expect(client.code, client.stderr).to.equal(0);
    const done = await relay.done;
    expect(done.code, done.stderr).to.equal(0);
    expect(done.stdout.toString()).to.equal('one datagram');
    expect(existsSync(p)).to.equal(false);
  });

  it('a first datagram from an unnamed socket exits 1 with one line naming the endpoint once', async () => {
    const p = path();
    const relay = track(startIolib(['relay', '-v', `unix-dgram-listen:${p}`, 'stdio'], { input: '' }));
    await relay.line(/listening on/);
    const unnamed = 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"x", sys.argv[1])';
    const client = await start('python3', ['-c', unnamed, p]).done;
    expect(client.code, client.stderr).to.equal(0);
    const done = await relay.done;
    expect(done.code).to.equal(1);
    // -v's 'listening on' line, then the error.
    expect(done.stderr.trimEnd().split('\n').at(-1)).to.equal(`iolib relay: unix-dgram-listen:${p}: the first datagram came from an unnamed socket, which cannot be answered`);
  });

  it('a refused connection exits 1 with one line naming the error', async () => {
    // A port that was just free, and a path nothing listens on.
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const p = path();
    for (const [target, code] of [[`tcp:127.0.0.1:${port}`, 'ECONNREFUSED'], [`unix:${p}`, 'ENOENT'], [`seqpacket:${p}`, 'ENOENT']]) {
      const r = await iolib(['relay', 'stdio', target!], { input: '' });
      expect(r.code, target).to.equal(1);
      expect(oneLineError(r)).to.match(new RegExp(`^iolib relay: .*${code}`));
    }
  });

  it('bad endpoints and arguments exit 2 with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['relay', 'stdio'], /takes 2 arguments/],
      [['relay', 'stdio', 'tcp:nohostport'], /expected HOST:PORT/],
      [['relay', 'stdio', 'tcp:127.0.0.1:99999'], /port must be a number/],
      [['relay', 'stdio', 'bogus:x'], /unknown endpoint 'bogus:x'/],
      [['relay', 'stdio', 'unix:'], /expected a PATH/],
      [['relay', '--timeout', 'soon', 'stdio', 'stdio'], /--timeout must be an integer/],
      [['relay', '--frobnicate', 'stdio', 'stdio'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await iolib(args, { input: '' });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(oneLineError(r), args.join(' ')).to.match(pattern);
    }
  });
});
