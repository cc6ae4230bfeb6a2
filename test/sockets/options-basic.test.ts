/**
 * API.md 2.1 on real TCP sockets: the everyday options read back what was set, the kernel
 * sees them (cross-checked where node:net or the kernel shows it), read-only and unknown
 * names are TypeErrors.
 */
import { expect } from 'chai';
import {
  SocketOptionNotSupportedError,
  makeSocket,
  makeSocketPair,
  
} from '../../lib/sockets/index.js';
import { Cleanup, iolibPair, iolibServer, readAll } from '../helpers/sockets.js';

describe('sockets: getOption / setOption basics (API.md 2.1)', function () {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  for (const name of ['reuseAddress', 'keepAlive', 'tcpNodelay'] as const) {
    it(`${name}: a boolean that reads back what was set`, async function () {
      const { client } = await iolibPair(cleanup);
      client.setOption(name, true);
      expect(client.getOption(name)).to.equal(true);
      client.setOption(name, false);
      expect(client.getOption(name)).to.equal(false);
      expect(() => client.setOption(name, 1)).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    });
  }

  it("makeSocket's keepalive and nodelay options set SO_KEEPALIVE and TCP_NODELAY", async function () {
    const server = await iolibServer(cleanup);
    const a = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort!, keepalive: true, nodelay: true }));
    expect(a.getOption('keepAlive')).to.equal(true);
    expect(a.getOption('tcpNodelay')).to.equal(true);
    const b = cleanup.add(await makeSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort! }));
    expect(b.getOption('keepAlive')).to.equal(false);
    expect(b.getOption('tcpNodelay')).to.equal(false);
  });

  it('linger: { onoff, linger } round-trips, and linger 0 makes close({ abort: true }) reset the peer', async function () {
    const { client, conn } = await iolibPair(cleanup);
    expect(client.getOption('linger')).to.deep.equal({ onoff: false, linger: 0 });
    client.setOption('linger', { onoff: true, linger: 7 });
    expect(client.getOption('linger')).to.deep.equal({ onoff: true, linger: 7 });
    client.setOption('linger', { onoff: true, linger: 0 });
    expect(() => client.setOption('linger', 5)).to.throw(TypeError);
    const reading = readAll(conn);
    await client.close({ abort: true }); // no FIN first: close(2) with linger 0 sends RST
    const err = await reading.then(() => null, (e: Error) => e);
    expect(err?.constructor.name).to.equal('SocketConnectionResetError');
  });

  it('receiveBuffer / sendBuffer: numbers the kernel adjusts (Linux doubles them)', async function () {
    const { client } = await iolibPair(cleanup);
    expect(client.getOption('receiveBuffer')).to.be.a('number').greaterThan(0);
    client.setOption('receiveBuffer', 65536);
    client.setOption('sendBuffer', 65536);
    expect(client.getOption('receiveBuffer')).to.equal(2 * 65536);
    expect(client.getOption('sendBuffer')).to.equal(2 * 65536);
  });

  it('read-only options: reading works, setting is a TypeError ERR_INVALID_ARG_VALUE naming the option', async function () {
    const { client, server } = await iolibPair(cleanup);
    expect(client.getOption('type')).to.equal('stream');
    expect(client.getOption('error')).to.equal(null);
    expect(client.getOption('acceptConnections')).to.equal(false);
    expect(server.getOption('acceptConnections')).to.equal(true);
    for (const name of ['type', 'error', 'acceptConnections']) {
      let err: (TypeError & { code?: string }) | undefined;
      try {
        client.setOption(name, true);
      } catch (e) {
        err = e as TypeError & { code?: string };
      }
      expect(err, name).to.be.instanceOf(TypeError);
      expect(err!.code).to.equal('ERR_INVALID_ARG_VALUE');
      expect(err!.message).to.include(name);
    }
  });

  it('an unknown option name is a TypeError naming it (get and set)', async function () {
    const { client } = await iolibPair(cleanup);
    for (const op of [() => client.getOption('noSuchOption'), () => client.setOption('noSuchOption', 1)]) {
      let err: (TypeError & { code?: string }) | undefined;
      try {
        op();
      } catch (e) {
        err = e as TypeError & { code?: string };
      }
      expect(err).to.be.instanceOf(TypeError);
      expect(err!.code).to.match(/^ERR_INVALID_ARG_(VALUE|TYPE)$/);
      expect(err!.message).to.include('noSuchOption');
    }
    expect(() => client.getOption(42 as unknown as string)).to.throw(TypeError);
  });

  it('a TCP option on a Unix socket is SocketOptionNotSupportedError', function () {
    const [a, b] = makeSocketPair();
    cleanup.add(a);
    cleanup.add(b);
    expect(() => a.getOption('tcpNodelay')).to.throw(SocketOptionNotSupportedError);
    expect(() => a.setOption('tcpNodelay', true)).to.throw(SocketOptionNotSupportedError);
  });
});
