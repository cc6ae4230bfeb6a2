/**
 * makeSocket, withOpenSocket and makeSocketPair are typed by their options: every row of
 * IOLib's table gives its class at compile time (checked by tsc, which `npm test` runs first:
 * a wrong type fails the build) and the same class at run time; passive sockets yield typed
 * connections.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeSocket, makeSocketFromFd, makeSocketPair, withOpenSocket, type AnySocket, type MakeSocketOptions, type SocketFor,
  SocketDatagramInternetActive, SocketDatagramLocalActive, SocketRawInternetActive, SocketSeqpacketLocalActive,
  SocketSeqpacketLocalPassive, SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive,
  SocketStreamLocalPassive, SocketError, InternetSocket, LocalSocket, type DatagramSocket,
} from '../../lib/index.js';
import { Cleanup } from '../helpers/sockets.js';
import { native } from '../../lib/native.js';

function checkedFd(fd: number): number {
  expect(fd).to.be.at.least(0);
  return fd;
}

/** true when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its argument's type is `true`. */
function typeIs<T extends true>(_: T = true as T): void {}

// Rows of IOLib's table, with the defaults (internet, stream, active) and 'file' = 'local'.
typeIs<Equal<SocketFor<{}>, SocketStreamInternetActive>>();
typeIs<Equal<SocketFor<{ connect: 'passive' }>, SocketStreamInternetPassive>>();
typeIs<Equal<SocketFor<{ type: 'datagram' }>, SocketDatagramInternetActive>>();
typeIs<Equal<SocketFor<{ type: 'raw' }>, SocketRawInternetActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'internet'; type: 'stream'; connect: 'active' }>, SocketStreamInternetActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'local' }>, SocketStreamLocalActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'file'; connect: 'passive' }>, SocketStreamLocalPassive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'local'; type: 'datagram' }>, SocketDatagramLocalActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'local'; type: 'seqpacket' }>, SocketSeqpacketLocalActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'local'; type: 'seqpacket'; connect: 'passive' }>, SocketSeqpacketLocalPassive>>();
// Options whose type is not literal fall back to the union; no row at all is never.
typeIs<Equal<SocketFor<MakeSocketOptions>, AnySocket>>();
typeIs<Equal<SocketFor<{ type: 'stream' | 'datagram' }>, SocketStreamInternetActive | SocketDatagramInternetActive>>();
typeIs<Equal<SocketFor<{ addressFamily: 'local'; type: 'raw' }>, never>>();

describe('types: the options select the class', function () {
  const cleanup = new Cleanup();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'iolib-types-'))));
  afterEach(async () => {
    await cleanup.run();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makeSocket gives, at run time, the class its type names, for every row', async function () {
    const passive = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
    typeIs<Equal<typeof passive, SocketStreamInternetPassive>>();
    expect(passive).to.be.instanceOf(SocketStreamInternetPassive);
    const active = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: passive.localPort }));
    typeIs<Equal<typeof active, SocketStreamInternetActive>>();
    expect(active).to.be.instanceOf(SocketStreamInternetActive);
    const udp = cleanup.add(await makeSocket({ type: 'datagram' }));
    typeIs<Equal<typeof udp, SocketDatagramInternetActive>>();
    expect(udp).to.be.instanceOf(SocketDatagramInternetActive);
    const unixPassive = cleanup.add(await makeSocket({ addressFamily: 'file', connect: 'passive', localFilename: join(dir, 's') }));
    typeIs<Equal<typeof unixPassive, SocketStreamLocalPassive>>();
    expect(unixPassive).to.be.instanceOf(SocketStreamLocalPassive);
    const unix = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: join(dir, 's') }));
    typeIs<Equal<typeof unix, SocketStreamLocalActive>>();
    expect(unix).to.be.instanceOf(SocketStreamLocalActive);
    const unixDatagram = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram' }));
    typeIs<Equal<typeof unixDatagram, SocketDatagramLocalActive>>();
    expect(unixDatagram).to.be.instanceOf(SocketDatagramLocalActive);
    const seqPassive = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: join(dir, 'q') }));
    typeIs<Equal<typeof seqPassive, SocketSeqpacketLocalPassive>>();
    expect(seqPassive).to.be.instanceOf(SocketSeqpacketLocalPassive);
    const seq = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: join(dir, 'q') }));
    typeIs<Equal<typeof seq, SocketSeqpacketLocalActive>>();
    expect(seq).to.be.instanceOf(SocketSeqpacketLocalActive);
    try {
      const raw = cleanup.add(await makeSocket({ type: 'raw' }));
      typeIs<Equal<typeof raw, SocketRawInternetActive>>();
      expect(raw).to.be.instanceOf(SocketRawInternetActive);
    } catch (err) {
      if (!(err instanceof SocketError && err.code === 'EPERM')) throw err;
    }
  });

  it('passive sockets yield (for await and acceptConnection) the matching active class', async function () {
    const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: join(dir, 's') }));
    const clients = [0, 1, 2].map(() => makeSocket({ addressFamily: 'local', remoteFilename: join(dir, 's') }).then((c) => cleanup.add(c)));
    const accepted = await server.acceptConnection();
    typeIs<Equal<typeof accepted, SocketStreamLocalActive>>();
    expect(accepted).to.be.instanceOf(SocketStreamLocalActive);
    cleanup.add(accepted);
    const mayTimeOut = await server.acceptConnection({ timeout: 5000 });
    typeIs<Equal<typeof mayTimeOut, SocketStreamLocalActive | null>>();
    expect(mayTimeOut).to.be.instanceOf(SocketStreamLocalActive);
    cleanup.add(mayTimeOut!);
    for await (const conn of server) {
      typeIs<Equal<typeof conn, SocketStreamLocalActive>>();
      expect(conn).to.be.instanceOf(SocketStreamLocalActive);
      cleanup.add(conn);
      break;
    }
    await Promise.all(clients);
  });

  it("a passive socket's connections are of the kinds table's active row of its family and type, made or adopted", async function () {
    for (const [options, Active] of [
      [{ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }, SocketStreamInternetActive],
      [{ addressFamily: 'local', connect: 'passive', localFilename: join(dir, 'stream') }, SocketStreamLocalActive],
      [{ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: join(dir, 'seqpacket') }, SocketSeqpacketLocalActive],
    ] as const) {
      const made = cleanup.add(await makeSocket(options));
      const adopted = cleanup.add(makeSocketFromFd(checkedFd(native.dupFd(made.fd))));
      for (const server of [made, adopted]) {
        expect((server as { _Connection?: unknown })._Connection, Active.name).to.equal(Active);
        const remote = 'localFilename' in options ? { addressFamily: 'local', type: options.type, remoteFilename: options.localFilename } as const : { remoteHost: '127.0.0.1', remotePort: made.localPort } as const;
        const client = makeSocket(remote).then((c) => cleanup.add(c));
        const conn = cleanup.add(await (server as { acceptConnection(): Promise<AnySocket> }).acceptConnection());
        expect(conn.constructor, Active.name).to.equal(Active);
        await client;
      }
    }
  });

  it('withOpenSocket passes the class its options select; makeSocketPair gives two of the class its type selects', async function () {
    const kind = await withOpenSocket({ type: 'datagram', localHost: '127.0.0.1' }, (socket) => {
      typeIs<Equal<typeof socket, SocketDatagramInternetActive>>();
      return socket.constructor;
    });
    expect(kind).to.equal(SocketDatagramInternetActive);
    for (const [pair, Cls] of [
      [makeSocketPair(), SocketStreamLocalActive],
      [makeSocketPair({ type: 'datagram' }), SocketDatagramLocalActive],
      [makeSocketPair({ type: 'seqpacket' }), SocketSeqpacketLocalActive],
    ] as const) {
      for (const s of pair) expect(cleanup.add(s)).to.be.instanceOf(Cls);
    }
    typeIs<Equal<ReturnType<typeof makeSocketPair<{}>>, [SocketStreamLocalActive, SocketStreamLocalActive]>>();
    typeIs<Equal<ReturnType<typeof makeSocketPair<{ type: 'datagram' }>>, [SocketDatagramLocalActive, SocketDatagramLocalActive]>>();
    typeIs<Equal<ReturnType<typeof makeSocketPair<{ type: 'seqpacket' }>>, [SocketSeqpacketLocalActive, SocketSeqpacketLocalActive]>>();
  });

  it('a socket adopted from an fd, narrowed by its traits, has the members API.md gives them', async function () {
    /** What code that adopts an fd of unknown kind can read once instanceof has narrowed it. */
    function describe(s: AnySocket): string {
      if (s instanceof InternetSocket) return `${s.remoteHost?.toString()}:${s.remotePort}`;
      if (s instanceof LocalSocket) return `${s.localFilename ?? ''}|${s.remoteFilename ?? ''}`;
      return '?';
    }
    const client = cleanup.add(await makeSocket({ type: 'datagram', remoteHost: '127.0.0.1', remotePort: 9 }));
    expect(describe(client)).to.equal('127.0.0.1:9');
    const [a] = makeSocketPair({ type: 'datagram' });
    cleanup.add(a);
    expect(describe(a)).to.equal('|');
    const d: DatagramSocket = a;
    expect(d.disconnect()).to.equal(a);
  });
});
