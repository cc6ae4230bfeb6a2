/**
 * The types make casts to socket classes unnecessary: no test and no example casts to one
 * (directly, through unknown, as a tuple of them, or through a local alias of
 * one). Narrowing by a checked `instanceof` (test/helpers' expectInstance) is the way when the
 * class is only known at run time (makeSocketFromFd).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sockets from '../../lib/sockets/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.[cm]?tsx?$/.test(e.name) ? [path] : [];
  });
}

// Every socket class or kind the package exports (errors aside), and the union type.
const SOCKET_TYPES = [...Object.keys(sockets).filter((n) => /Socket/.test(n) && !/Error$/.test(n) && typeof (sockets as Record<string, unknown>)[n] === 'function'), 'AnySocket'];

/** The casts to socket classes in `text`, with the file's own aliases of them. */
export function socketCasts(text: string): string[] {
  const names = [...SOCKET_TYPES];
  const alias = new RegExp(`\\btype\\s+(\\w+)\\s*=\\s*(?:(?:${names.join('|')})\\b\\s*\\|?\\s*)+;`, 'g');
  for (const m of text.matchAll(alias)) names.push(m[1]!);
  const cast = new RegExp(`\\bas\\s+(?:unknown\\s+as\\s+)?[[(]?\\s*(?:${names.join('|')})\\b|<(?:${names.join('|')})>\\s*[\\w(]`, 'g');
  return [...text.matchAll(cast)].map((m) => m[0]);
}

describe('types: no casts to socket classes in tests and examples', function () {
  it('knows the socket classes and finds every form of cast', function () {
    expect(SOCKET_TYPES).to.include.members(['SocketStreamInternetActive', 'SocketDatagramLocalActive', 'Socket', 'ActiveSocket', 'AnySocket']);
    const sample = [
      'const a = (await makeSocket()) a' + 's SocketStreamInternetActive;',
      'const b = x a' + 's unknown a' + 's SocketDatagramInternetActive;',
      'type Udp = SocketDatagramInternetActive;\nconst c = y a' + 's Udp;',
      'const [d] = makeSocketPair() a' + 's [SocketStreamLocalActive, SocketStreamLocalActive];',
      'const e = z a' + 's AnySocket;',
    ];
    for (const line of sample) expect(socketCasts(line), line).to.have.length(1);
    expect(socketCasts('const f = err a' + 's SocketError; const g = h a' + 's Buffer;')).to.deep.equal([]);
  });

  it('test/ and examples/ have none', function () {
    const found = ['test', 'examples'].flatMap((dir) =>
      sources(join(root, dir)).flatMap((file) => socketCasts(readFileSync(file, 'utf8')).map((c) => `${relative(root, file)}: ${c}`)),
    );
    expect(found).to.deep.equal([]);
  });
});
