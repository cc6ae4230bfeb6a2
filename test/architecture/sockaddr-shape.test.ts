/**
 * One internal shape of a socket address (lib/internal/sockaddr.ts), the same both ways across
 * the native boundary: what getsockname answers goes back into bind or connect as it is.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { H, C, native } from '../../lib/native.js';
import { inetSockaddr } from '../../lib/address/sockaddr.js';
import { IPV4_LOOPBACK } from '../../lib/address/index.js';
import { decodeSockaddr } from '../../lib/sockets/sockaddr.js';
import type { Sockaddr } from '../../lib/internal/sockaddr.js';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lib');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function openTcp(): number {
  const fd = native.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(fd).to.be.at.least(0);
  return H.open(fd, null);
}

describe('architecture: one internal socket-address shape', function () {
  it('lib/ declares no second shape, and takes no address apart to pass it to native code', function () {
    const found: string[] = [];
    for (const f of sources(LIB)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:SockaddrArgs|RawSockaddr)\b|\b(\w+)\.family, \1\.bytes\b/g)) found.push(`${relative(LIB, f)}: ${m[0]}`);
    }
    expect(found).to.deep.equal([]);
  });

  it("getsockname's answer goes back into connect as it is, and decodes as the address bound", function () {
    const server = openTcp();
    const client = openTcp();
    try {
      expect(H.bind(server, ...inetSockaddr(IPV4_LOOPBACK, 0))).to.equal(0);
      expect(H.listen(server, 1)).to.equal(0);
      const name = H.getsockname(server);
      expect(name).to.be.an('array');
      const sa = name as Sockaddr;
      expect(sa[0]).to.equal(4);
      expect(sa[2]).to.be.greaterThan(0);
      const r = H.connect(client, ...sa);
      expect([0, -C.EINPROGRESS, -C.EAGAIN]).to.include(r);
      const decoded = decodeSockaddr(sa);
      expect(decoded && 'host' in decoded && decoded.host.equals(IPV4_LOOPBACK)).to.equal(true);
    } finally {
      H.close(client);
      H.close(server);
    }
  });
});
