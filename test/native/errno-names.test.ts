/**
 * The addon's errno names come from a table built from <errno.h> at compile time (no
 * strerrorname_np, which needs glibc 2.32): every errno Node knows gets its name, an alias
 * number gets the primary name, and numbers the system does not define get none.
 */
import { expect } from 'chai';
import { constants as osConstants } from 'node:os';
import { native } from '../../lib/native.js';

const ERRNO = osConstants.errno as Record<string, number>;
// The name glibc (and errno(3)) gives a number that has two.
const PRIMARY: Record<string, string> = { EWOULDBLOCK: 'EAGAIN', ENOTSUP: 'EOPNOTSUPP', EDEADLOCK: 'EDEADLK' };

describe('native: errno names', function () {
  it('names every errno Node knows, aliases by their primary name', function () {
    for (const [name, number] of Object.entries(ERRNO)) {
      const primary = PRIMARY[name] !== undefined && ERRNO[PRIMARY[name]!] === number ? PRIMARY[name] : name;
      expect(native.errnoName(number), name).to.equal(primary);
      expect(native.errnoName(-number), `-${name}`).to.equal(primary);
    }
  });

  it('names Linux errnos libuv does not know', function () {
    if (process.platform !== 'linux') this.skip();
    expect(native.errnoName(94)).to.equal('ESOCKTNOSUPPORT');
    expect(native.errnoName(108)).to.equal('ESHUTDOWN');
    expect(native.errnoName(112)).to.equal('EHOSTDOWN');
    expect(native.errnoName(133)).to.equal('EHWPOISON');
  });

  it('gives no name to 0 or to numbers no errno has', function () {
    expect(native.errnoName(0)).to.equal(undefined);
    expect(native.errnoName(4095)).to.equal(undefined);
  });
});
