/**
 * Issue 4, local (Unix) stream sockets: active and passive by filename and in the abstract
 * namespace, `addressFamily: 'file'`, stale-file handling, own-file removal on close,
 * localFilename / remoteFilename and peerCredentials (SO_PEERCRED), with node:net and python3
 * as foreign peers.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { existsSync, lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  makeSocket,
  LocalSocket,
  SocketStreamLocalActive,
  SocketStreamLocalPassive,
  
  SocketAddressInUseError,
  SocketConnectionRefusedError,
  SocketError,
  SocketClosedError,
} from '../../lib/sockets/index.js';
import {
  KindsCleanup, kindsPath, abstractName, digest, startPython, pythonLine, pythonOk, requirePython,
} from '../helpers/kinds.js';
import { accepted, readExactly } from '../helpers/sockets.js';


async function listen(cleanup: KindsCleanup, path: string, extra: Record<string, unknown> = {}): Promise<SocketStreamLocalPassive> {
  cleanup.path(path);
  return cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path, ...extra }));
}

describe('sockets-kinds: local stream sockets', () => {
  const cleanup = new KindsCleanup();
  afterEach(() => cleanup.run());

  it('passive by filename, active by remoteFilename: both directions, names on every side', async () => {
    const path = kindsPath('stream');
    const server = await listen(cleanup, path);
    expect(server).to.be.instanceOf(SocketStreamLocalPassive);
    expect(server).to.be.instanceOf(LocalSocket);
    expect(server.addressFamily).to.equal('local');
    expect(server.type).to.equal('stream');
    expect(server.isListening()).to.equal(true);
    expect(server.localFilename).to.equal(path);
    expect(server.localName()).to.deep.equal({ filename: path, abstract: false });
    expect(lstatSync(path).isSocket(), 'socket file exists').to.equal(true);

    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    const conn = cleanup.add(accepted(await accepting));
    expect(client).to.be.instanceOf(SocketStreamLocalActive);
    expect(conn).to.be.instanceOf(SocketStreamLocalActive);
    expect(client.isConnected()).to.equal(true);
    expect(client.remoteFilename).to.equal(path);
    expect(client.localFilename).to.equal('');
    expect(conn.localFilename).to.equal(path);
    expect(conn.remoteFilename).to.equal('');
    expect(client.remoteName()).to.deep.equal({ filename: path, abstract: false });

    const up = randomBytes(300_000);
    const down = randomBytes(123_457);
    client.end(up);
    conn.end(down);
    const [gotUp, gotDown] = await Promise.all([readExactly(conn, up.length), readExactly(client, down.length)]);
    expect(digest(gotUp)).to.equal(digest(up));
    expect(digest(gotDown)).to.equal(digest(down));
  });

  it("addressFamily 'file' is a synonym of 'local'", async () => {
    const path = kindsPath('file');
    cleanup.path(path);
    const server = cleanup.add(await makeSocket({ addressFamily: 'file', connect: 'passive', localFilename: path }));
    expect(server).to.be.instanceOf(SocketStreamLocalPassive);
    expect(server.addressFamily).to.equal('local');
    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'file', remoteFilename: path }));
    expect(client).to.be.instanceOf(SocketStreamLocalActive);
    expect(client.addressFamily).to.equal('local');
    const conn = cleanup.add(accepted(await accepting));
    client.write('ping');
    expect((await readExactly(conn, 4)).toString()).to.equal('ping');
  });

  it('the abstract namespace: no file, names carry abstract: true, a second bind is EADDRINUSE', async () => {
    const name = abstractName('abs');
    // The abstract name is also a would-be path in the cwd: nothing may appear there.
    const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: name, abstract: true }));
    expect(existsSync(name), 'no file for an abstract name').to.equal(false);
    expect(server.localName()).to.deep.equal({ filename: name, abstract: true });
    expect(server.localFilename).to.equal(name);

    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: name, abstract: true }));
    const conn = cleanup.add(accepted(await accepting));
    expect(client.remoteName()).to.deep.equal({ filename: name, abstract: true });
    expect(conn.localName()).to.deep.equal({ filename: name, abstract: true });
    const data = randomBytes(50_000);
    client.end(data);
    expect(digest(await readExactly(conn, data.length))).to.equal(digest(data));

    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: name, abstract: true }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketAddressInUseError);

    await server.close();
    // Once closed, the name is free again at once.
    const again = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: name, abstract: true }));
    expect(again.isListening()).to.equal(true);
  });

  it('a non-abstract connect does not reach an abstract listener of the same name, and vice versa', async () => {
    const path = kindsPath('both');
    const server = await listen(cleanup, path);
    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path, abstract: true }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketConnectionRefusedError);
    expect(server.isListening()).to.equal(true);
  });

  it('closing a listener whose file was replaced (unlinked, then another bound there) leaves the other\'s file', async () => {
    const path = kindsPath('replaced');
    const first = await listen(cleanup, path);
    unlinkSync(path);
    const second = await listen(cleanup, path);
    await first.close();
    expect(lstatSync(path).isSocket(), "the second listener's file is left").to.equal(true);
    // And it still answers.
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    expect(client.isConnected()).to.equal(true);
    await second.close();
    expect(existsSync(path), 'the second removes its own').to.equal(false);
  });

  it('removes its own socket file on close, and only once', async () => {
    const path = kindsPath('own');
    const server = await listen(cleanup, path);
    expect(lstatSync(path).isSocket()).to.equal(true);
    await server.close();
    expect(existsSync(path), 'file removed on close').to.equal(false);
    expect(server.fd).to.equal(-1);
    // A new listener may take the path; closing the old one again must not remove its file.
    const next = await listen(cleanup, path);
    await server.close();
    expect(lstatSync(path).isSocket(), "the new listener's file is left alone").to.equal(true);
    expect(next.isListening()).to.equal(true);
  });

  it('removes a stale socket file (nothing listens on it) and listens there', async () => {
    const path = kindsPath('stale');
    cleanup.path(path);
    // A socket bound with bindAddress (not makeSocket's localFilename, whose file is removed on
    // close) leaves its file behind when closed: a stale socket file.
    const leaver = await makeSocket({ addressFamily: 'local', type: 'datagram' });
    leaver.bindAddress(path);
    await leaver.close();
    expect(lstatSync(path).isSocket(), 'stale file present').to.equal(true);

    const server = await listen(cleanup, path);
    expect(server.isListening()).to.equal(true);
    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(net.connect(path));
    await once(client, 'connect');
    const conn = cleanup.add((await accepting)!);
    client.write('via the replaced file');
    expect((await readExactly(conn, 21)).toString()).to.equal('via the replaced file');
  });

  it('does not remove a socket file something listens on (node:net): EADDRINUSE, the listener keeps working', async () => {
    const path = kindsPath('live');
    cleanup.path(path);
    // The library probes the file with a connect, which this server accepts too: a probe that
    // hangs up at once must not crash the test, so socket errors are ignored here.
    const netServer = cleanup.add(net.createServer((s) => s.on('error', () => {}).end('still here')));
    netServer.listen(path);
    await once(netServer, 'listening');

    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketAddressInUseError);
    expect((err as SocketError).code).to.equal('EADDRINUSE');
    expect(lstatSync(path).isSocket()).to.equal(true);

    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    expect((await readExactly(client, 10)).toString()).to.equal('still here');
  });

  it('does not remove a regular file in the way: EADDRINUSE, the file is untouched', async () => {
    const path = kindsPath('regular');
    cleanup.path(path);
    writeFileSync(path, 'precious');
    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketAddressInUseError);
    expect(readFileSync(path, 'utf8')).to.equal('precious');
  });

  it('connect to a missing path fails with a SocketError (ENOENT); to a stale file with SocketConnectionRefusedError', async () => {
    const missing = kindsPath('missing');
    let err: unknown;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: missing }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketError);
    expect((err as SocketError).code).to.equal('ENOENT');

    const stale = kindsPath('stale2');
    cleanup.path(stale);
    await (await makeSocket({ addressFamily: 'local', type: 'datagram' })).bindAddress(stale).close();
    err = undefined;
    try {
      cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: stale }));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SocketConnectionRefusedError);
  });

  it('an unconnected local socket connects later with connect(filename) and connect(name, { abstract })', async () => {
    const path = kindsPath('later');
    const server = await listen(cleanup, path);
    const s = cleanup.add(await makeSocket({ addressFamily: 'local' }));
    expect(s.isConnected()).to.equal(false);
    const accepting = server.acceptConnection({ timeout: 5000 });
    expect(await s.connect(path)).to.equal(s);
    expect(s.remoteFilename).to.equal(path);
    const conn = cleanup.add(accepted(await accepting));
    s.write('x');
    expect((await readExactly(conn, 1)).toString()).to.equal('x');

    const name = abstractName('later');
    const abs = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: name, abstract: true }));
    const s2 = cleanup.add(await makeSocket({ addressFamily: 'local' }));
    const accepting2 = abs.acceptConnection({ timeout: 5000 });
    await s2.connect(name, { abstract: true });
    const conn2 = cleanup.add(accepted(await accepting2));
    expect(conn2.localName()).to.deep.equal({ filename: name, abstract: true });
  });

  it('an active socket bound with localFilename shows it on both ends', async () => {
    const path = kindsPath('srv');
    const clientPath = kindsPath('cli');
    cleanup.path(clientPath);
    const server = await listen(cleanup, path);
    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', localFilename: clientPath, remoteFilename: path }));
    const conn = cleanup.add(accepted(await accepting));
    expect(client.localFilename).to.equal(clientPath);
    expect(conn.remoteFilename).to.equal(clientPath);
  });

  it('node:net clients talk to an iolib local listener (for await over connections)', async () => {
    const path = kindsPath('forawait');
    const server = await listen(cleanup, path);
    const served: string[] = [];
    const serving = (async () => {
      for await (const conn of server) {
        const c = conn;
        const line = (await readExactly(c, 8)).toString();
        served.push(line);
        c.end(line.toUpperCase());
        await once(c, 'finish');
        await c.close();
        if (served.length === 3) break;
      }
    })();
    const replies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = cleanup.add(net.connect(path));
      c.write(`client-${i}`.padEnd(8, '.'));
      const chunks: Buffer[] = [];
      for await (const chunk of c) chunks.push(chunk as Buffer);
      replies.push(Buffer.concat(chunks).toString());
    }
    await serving;
    expect(served).to.deep.equal(['client-0', 'client-1', 'client-2']);
    expect(replies).to.deep.equal(['CLIENT-0', 'CLIENT-1', 'CLIENT-2']);
  });

  it('peerCredentials() names our own process for an in-process peer', async () => {
    const path = kindsPath('cred');
    const server = await listen(cleanup, path);
    const accepting = server.acceptConnection({ timeout: 5000 });
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    const conn = cleanup.add(accepted(await accepting));
    const expected = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() };
    expect(conn.peerCredentials()).to.deep.equal(expected);
    expect(client.peerCredentials()).to.deep.equal(expected);
  });

  it('peerCredentials() names a python3 peer by its pid', async function () {
    await requirePython(this);
    const path = kindsPath('pycred');
    const server = await listen(cleanup, path);
    const accepting = server.acceptConnection({ timeout: 10000 });
    const py = startPython(
      `import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(str(os.getpid()).encode() + b'\\n')
s.recv(1)
`,
      [path],
    );
    cleanup.add(() => py.child.kill());
    const conn = cleanup.add(accepted(await accepting));
    const creds = conn.peerCredentials();
    expect(creds.pid).to.equal(py.child.pid);
    expect(creds.uid).to.equal(process.getuid!());
    expect(creds.gid).to.equal(process.getgid!());
    // python printed its own pid over the socket: the same number.
    let text = '';
    while (!text.includes('\n')) text += (await readExactly(conn, 1)).toString();
    expect(Number(text.trim())).to.equal(py.child.pid);
    conn.write('k');
    pythonOk(await py.done);
  });

  it('a python3 client over a filesystem path echoes a checksum of what we sent', async function () {
    await requirePython(this);
    const path = kindsPath('pyecho');
    const server = await listen(cleanup, path);
    const accepting = server.acceptConnection({ timeout: 10000 });
    const py = startPython(
      `import socket, sys, hashlib
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
h = hashlib.sha256()
n = 0
while True:
    b = s.recv(65536)
    if not b: break
    h.update(b); n += len(b)
s.sendall(f'{n} {h.hexdigest()}'.encode())
s.close()
`,
      [path],
    );
    cleanup.add(() => py.child.kill());
    const conn = cleanup.add(accepted(await accepting));
    const data = randomBytes(1_000_003);
    conn.end(data);
    const reply: Buffer[] = [];
    for await (const c of conn) reply.push(c as Buffer);
    expect(Buffer.concat(reply).toString()).to.equal(`${data.length} ${digest(data)}`);
    pythonOk(await py.done);
  });

  it('abstract: an iolib listener in the abstract namespace is reachable from python3', async function () {
    await requirePython(this);
    const name = abstractName('pyabs');
    const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: name, abstract: true }));
    const accepting = server.acceptConnection({ timeout: 10000 });
    const py = startPython(
      `import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect('\\0' + sys.argv[1])
s.sendall(b'abstract hello')
s.close()
`,
      [name],
    );
    cleanup.add(() => py.child.kill());
    const conn = cleanup.add(accepted(await accepting));
    const got: Buffer[] = [];
    for await (const c of conn) got.push(c as Buffer);
    expect(Buffer.concat(got).toString()).to.equal('abstract hello');
    pythonOk(await py.done);
  });

  it('after close: fd is -1, names throw SocketClosedError, close is idempotent', async () => {
    const path = kindsPath('closed');
    const server = await listen(cleanup, path);
    await server.close();
    await server.close();
    expect(server.fd).to.equal(-1);
    expect(server.isOpen()).to.equal(false);
    expect(() => server.localName()).to.throw(SocketClosedError);
    expect(server.localFilename).to.equal(undefined);
  });

  it('python3 listener, iolib client: pythonLine handshake and data', async function () {
    await requirePython(this);
    const path = kindsPath('pysrv');
    cleanup.path(path);
    const py = startPython(
      `import socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(1)
print('ready', flush=True)
c, _ = srv.accept()
data = b''
while len(data) < 5:
    data += c.recv(5 - len(data))
c.sendall(data[::-1])
c.close()
`,
      [path],
    );
    cleanup.add(() => py.child.kill());
    expect(await pythonLine(py.child)).to.equal('ready');
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    client.write('hello');
    const got: Buffer[] = [];
    for await (const c of client) got.push(c as Buffer);
    expect(Buffer.concat(got).toString()).to.equal('olleh');
    pythonOk(await py.done);
  });
});
