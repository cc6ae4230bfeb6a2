/**
 * API.md 2, "Classes and their precedence": every concrete class exists, is exported, and
 * answers `instanceof` along every line of the table (and not along the lines it is not on).
 */
import { expect } from 'chai';
import { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as sockets from '../../lib/sockets/index.js';
import {
  ActiveSocket,
  DatagramSocket,
  InternetSocket,
  LocalSocket,
  PassiveSocket,
  Socket,
  SocketDatagramInternetActive,
  SocketDatagramLocalActive,
  SocketRawInternetActive,
  SocketSeqpacketLocalActive,
  SocketSeqpacketLocalPassive,
  SocketStreamInternetActive,
  SocketStreamInternetPassive,
  SocketStreamLocalActive,
  SocketStreamLocalPassive,
  StreamSocket,
  SocketAccessDeniedError,
  makeSocket,
  makeSocketPair,
} from '../../lib/sockets/index.js';
import { Cleanup, iolibPair, tmpSocketPath } from '../helpers/sockets.js';

const ABSTRACT = { Socket, ActiveSocket, PassiveSocket, StreamSocket, DatagramSocket, InternetSocket, LocalSocket } as const;
type AbstractName = keyof typeof ABSTRACT;

/** API.md's precedence table: for each concrete class, the abstract classes it is an instance of. */
const TABLE: Record<string, { is: AbstractName[]; duplex: boolean; objectMode?: boolean; type: string; family: string }> = {
  SocketStreamInternetActive: { is: ['ActiveSocket', 'StreamSocket', 'InternetSocket', 'Socket'], duplex: true, objectMode: false, type: 'stream', family: 'internet' },
  SocketStreamInternetPassive: { is: ['PassiveSocket', 'StreamSocket', 'InternetSocket', 'Socket'], duplex: false, type: 'stream', family: 'internet' },
  SocketStreamLocalActive: { is: ['ActiveSocket', 'StreamSocket', 'LocalSocket', 'Socket'], duplex: true, objectMode: false, type: 'stream', family: 'local' },
  SocketStreamLocalPassive: { is: ['PassiveSocket', 'StreamSocket', 'LocalSocket', 'Socket'], duplex: false, type: 'stream', family: 'local' },
  SocketDatagramInternetActive: { is: ['ActiveSocket', 'DatagramSocket', 'InternetSocket', 'Socket'], duplex: true, objectMode: true, type: 'datagram', family: 'internet' },
  SocketDatagramLocalActive: { is: ['ActiveSocket', 'DatagramSocket', 'LocalSocket', 'Socket'], duplex: true, objectMode: true, type: 'datagram', family: 'local' },
  SocketSeqpacketLocalActive: { is: ['ActiveSocket', 'StreamSocket', 'LocalSocket', 'Socket'], duplex: true, objectMode: true, type: 'seqpacket', family: 'local' },
  SocketSeqpacketLocalPassive: { is: ['PassiveSocket', 'StreamSocket', 'LocalSocket', 'Socket'], duplex: false, type: 'seqpacket', family: 'local' },
  SocketRawInternetActive: { is: ['ActiveSocket', 'InternetSocket', 'Socket'], duplex: true, objectMode: true, type: 'raw', family: 'internet' },
};

const CONCRETE = {
  SocketStreamInternetActive, SocketStreamInternetPassive, SocketStreamLocalActive, SocketStreamLocalPassive,
  SocketDatagramInternetActive, SocketDatagramLocalActive, SocketSeqpacketLocalActive, SocketSeqpacketLocalPassive,
  SocketRawInternetActive,
} as const;

function checkLine(socket: object, className: keyof typeof CONCRETE): void {
  const row = TABLE[className]!;
  expect(socket, className).to.be.instanceOf(CONCRETE[className]);
  expect(socket.constructor.name).to.equal(className);
  for (const name of Object.keys(ABSTRACT) as AbstractName[]) {
    const expected = row.is.includes(name);
    expect(socket instanceof ABSTRACT[name], `${className} instanceof ${name}`).to.equal(expected);
  }
  expect(socket instanceof Duplex, `${className} instanceof stream.Duplex`).to.equal(row.duplex);
  if (row.duplex) {
    const d = socket as Duplex;
    expect(d.readableObjectMode, `${className} readable object mode`).to.equal(row.objectMode);
    expect(d.writableObjectMode, `${className} writable object mode`).to.equal(row.objectMode);
  } else {
    expect(socket, `${className} is an EventEmitter`).to.be.instanceOf(EventEmitter);
  }
  for (const other of Object.keys(CONCRETE) as (keyof typeof CONCRETE)[]) {
    if (other !== className) expect(socket instanceof CONCRETE[other], `${className} instanceof ${other}`).to.equal(false);
  }
  const s = socket as sockets.AnySocket;
  expect(s.type).to.equal(row.type);
  expect(s.addressFamily).to.equal(row.family);
}

describe('sockets: classes and instanceof (API.md 2 precedence table)', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('exports every class of the table, abstract and concrete', function () {
    for (const name of [...Object.keys(ABSTRACT), ...Object.keys(CONCRETE)]) {
      expect((sockets as Record<string, unknown>)[name], name).to.be.a('function');
    }
  });

  it('SocketStreamInternetActive and SocketStreamInternetPassive (TCP client, server and accepted connection)', async function () {
    const { server, client, conn } = await iolibPair(cleanup);
    checkLine(server, 'SocketStreamInternetPassive');
    checkLine(client, 'SocketStreamInternetActive');
    checkLine(conn, 'SocketStreamInternetActive');
  });

  it('SocketStreamLocalActive and SocketStreamLocalPassive (Unix stream, by path and by socketpair)', async function () {
    const path = tmpSocketPath('cls');
    const server = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
    checkLine(server, 'SocketStreamLocalPassive');
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', remoteFilename: path }));
    checkLine(client, 'SocketStreamLocalActive');
    const conn = cleanup.add((await (server).acceptConnection())!);
    checkLine(conn, 'SocketStreamLocalActive');
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    checkLine(a, 'SocketStreamLocalActive');
    checkLine(b, 'SocketStreamLocalActive');
  });

  it("'file' is accepted as a name of the local family", async function () {
    const path = tmpSocketPath('file');
    const server = cleanup.add(await makeSocket({ addressFamily: 'file', connect: 'passive', localFilename: path }));
    checkLine(server, 'SocketStreamLocalPassive');
  });

  it('SocketDatagramInternetActive (UDP)', async function () {
    const s = cleanup.add(await makeSocket({ type: 'datagram', localHost: '127.0.0.1', localPort: 0 }));
    checkLine(s, 'SocketDatagramInternetActive');
  });

  it('SocketDatagramLocalActive (Unix datagram)', async function () {
    const [a, b] = makeSocketPair({ type: 'datagram' });
    cleanup.add(a);
    cleanup.add(b);
    checkLine(a, 'SocketDatagramLocalActive');
    const s = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'datagram', localFilename: tmpSocketPath('dg') }));
    checkLine(s, 'SocketDatagramLocalActive');
  });

  it('SocketSeqpacketLocalActive and SocketSeqpacketLocalPassive', async function () {
    const path = tmpSocketPath('seq');
    const server = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', connect: 'passive', localFilename: path }));
    checkLine(server, 'SocketSeqpacketLocalPassive');
    const client = cleanup.add(await makeSocket({ addressFamily: 'local', type: 'seqpacket', remoteFilename: path }));
    checkLine(client, 'SocketSeqpacketLocalActive');
    const [a, b] = makeSocketPair({ type: 'seqpacket' });
    cleanup.add(a);
    cleanup.add(b);
    checkLine(a, 'SocketSeqpacketLocalActive');
  });

  it('SocketRawInternetActive (needs CAP_NET_RAW)', async function () {
    let s: sockets.AnySocket;
    try {
      s = await makeSocket({ type: 'raw', remoteHost: '127.0.0.1' });
    } catch (err) {
      if (err instanceof SocketAccessDeniedError) {
        console.log('      (skipped: no CAP_NET_RAW, raw sockets cannot be made here)');
        this.skip();
      }
      throw err;
    }
    cleanup.add(s);
    checkLine(s, 'SocketRawInternetActive');
    expect(s.protocol).to.equal('icmp');
  });

  it('answers false for values that are not iolib sockets', function () {
    const values: unknown[] = [null, undefined, 0, 'socket', {}, [], new Duplex(), new EventEmitter(), new net.Socket(), Object.create(null), () => {}];
    for (const v of values) {
      for (const [name, Cls] of Object.entries(ABSTRACT)) expect(v instanceof Cls, `${typeof v} value instanceof ${name}`).to.equal(false);
      for (const [name, Cls] of Object.entries(CONCRETE)) expect(v instanceof Cls, `${typeof v} value instanceof ${name}`).to.equal(false);
    }
  });

  it('keeps instanceof working for subclasses of a concrete class', function () {
    class Mine extends SocketStreamInternetActive {}
    const fake = Object.create(Mine.prototype) as object;
    expect(fake).to.be.instanceOf(ActiveSocket).and.instanceOf(InternetSocket).and.instanceOf(StreamSocket).and.instanceOf(Socket);
    expect(fake).not.to.be.instanceOf(PassiveSocket);
    expect(fake).not.to.be.instanceOf(LocalSocket);
  });
});
