/**
 * The native contract is named: the addon exports its read modes, its end-of-stream status and
 * its sender-record layout, and lib/native.ts checks once, at load, that every constant the
 * library reads without a check is there.
 */
import { expect } from 'chai';
import { C, checkedConstants, native } from '../../lib/native.js';

describe('native: the named contract', function () {
  it('exports distinct read modes and a sender record whose fields fit in it', function () {
    expect(new Set([C.READ_BYTES, C.READ_MESSAGES, C.READ_RECORDS]).size).to.equal(3);
    expect(C.READ_STATUS_END).to.be.above(0);
    expect(C.ADDR_RECORD_SIZE % 4).to.equal(0);
    expect(C.ADDR_RECORD_SCOPE_OFFSET % 4).to.equal(0);
    expect(C.ADDR_RECORD_ADDRESS_OFFSET % 4).to.equal(0);
    // The longest address it carries: an IPv6 address (16 bytes).
    expect(C.ADDR_RECORD_SIZE - C.ADDR_RECORD_ADDRESS_OFFSET).to.be.at.least(16);
  });

  it('a missing required constant fails the load, naming it', function () {
    const { EAGAIN: _eagain, ADDR_RECORD_SIZE: _size, ...rest } = native.constants;
    expect(() => checkedConstants(rest)).to.throw(Error, /EAGAIN, ADDR_RECORD_SIZE/);
    expect(checkedConstants(native.constants)).to.equal(native.constants);
  });

  it('platform-optional constants may be absent', function () {
    const { UDP_SEGMENT: _u, SO_DOMAIN: _d, SO_PROTOCOL: _p, SO_PEERCRED: _c, ...rest } = native.constants;
    expect(() => checkedConstants(rest)).to.not.throw();
  });
});
