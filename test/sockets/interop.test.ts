/**
 * Interoperation with node:net, both ways: iolib client to a node:net server and node:net
 * client to an iolib server, bulk data checked with sha256 in both directions, half-close
 * honoured across the two implementations.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as net from 'node:net';
import { makeSocket } from '../../lib/sockets/index.js';
import { Cleanup, iolibServer, netConnect, netServer, payload, readAll, requireIpv6, sha256 } from '../helpers/sockets.js';

const MiB = 1024 * 1024;

for (const host of ['127.0.0.1', '::1']) {
  describe(`sockets: interop with node:net over ${host}`, function () {
    const cleanup = new Cleanup();
    before(async function () {
      if (host === '::1') await requireIpv6(this);
    });
    afterEach(() => cleanup.run());

    it('iolib client -> node:net echo server: 6 MiB echoed intact', async function () {
      const server = cleanup.add(await netServer(host, (s) => s.pipe(s)));
      const client = cleanup.add(await makeSocket({ remoteHost: host, remotePort: server.port }));
      const data = payload(6 * MiB);
      const back = readAll(client);
      await pipeline(Readable.from([data.subarray(0, 3 * MiB), data.subarray(3 * MiB)]), client);
      const got = await back;
      expect(got.length).to.equal(data.length);
      expect(sha256(got)).to.equal(sha256(data));
    });

    it('node:net client -> iolib echo server: 6 MiB echoed intact', async function () {
      const server = await iolibServer(cleanup, host);
      const serving = (async () => {
        const conn = cleanup.add((await server.acceptConnection())!);
        await pipeline(conn, conn);
      })();
      const client = cleanup.add(await netConnect(host, server.localPort!));
      const data = payload(6 * MiB);
      const back = readAll(client);
      client.end(data);
      const got = await back;
      await serving;
      expect(sha256(got)).to.equal(sha256(data));
    });

    it('different data each way at once, with half-close on both sides', async function () {
      let peer!: net.Socket;
      const server = cleanup.add(await netServer(host, (s) => (peer = s)));
      const client = cleanup.add(await makeSocket({ remoteHost: host, remotePort: server.port }));
      if (!peer) await once(server, 'connection');
      const up = payload(3 * MiB);
      const down = payload(5 * MiB);
      const [atPeer, atClient] = await Promise.all([readAll(peer), readAll(client), Promise.resolve(client.end(up)), Promise.resolve(peer.end(down))]);
      expect(sha256(atPeer)).to.equal(sha256(up));
      expect(sha256(atClient)).to.equal(sha256(down));
    });

    it("node:net's end() reaches an iolib reader as 'end', and iolib can still answer", async function () {
      const server = await iolibServer(cleanup, host);
      const client = cleanup.add(await netConnect(host, server.localPort!));
      const conn = cleanup.add((await server.acceptConnection())!);
      client.end('question');
      expect((await readAll(conn)).toString()).to.equal('question');
      const answer = readAll(client);
      conn.end('answer');
      expect((await answer).toString()).to.equal('answer');
    });

    it("iolib's end() reaches a node:net reader as 'end', and node:net can still answer", async function () {
      let peer!: net.Socket;
      const server = cleanup.add(await netServer(host, (s) => (peer = s)));
      const client = cleanup.add(await makeSocket({ remoteHost: host, remotePort: server.port }));
      if (!peer) await once(server, 'connection');
      client.end('question');
      expect((await readAll(peer)).toString()).to.equal('question');
      const answer = readAll(client);
      peer.end('answer');
      expect((await answer).toString()).to.equal('answer');
    });

    it('addresses agree on both sides', async function () {
      const server = await iolibServer(cleanup, host);
      const client = cleanup.add(await netConnect(host, server.localPort!));
      const conn = cleanup.add((await server.acceptConnection())!);
      expect(conn.remotePort).to.equal(client.localPort);
      expect(conn.localPort).to.equal(client.remotePort);
      expect(conn.remoteHost!.toString()).to.equal(client.localAddress);
    });
  });
}
