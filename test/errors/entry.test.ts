/**
 * The `node-iolib/errors` entry point holds every error class any entry point exports (so any
 * error a function throws can be tested with instanceof from one import), and the code table
 * every coded argument error is made from.
 */
import { expect } from 'chai';
import * as everything from 'node-iolib';
import * as errors from 'node-iolib/errors';
import * as sockets from 'node-iolib/sockets';
import * as dns from 'node-iolib/dns';
import * as multiplex from 'node-iolib/multiplex';
import * as address from 'node-iolib/address';
import { makeSocket, ResolverError } from 'node-iolib/sockets';

function errorClasses(module: Record<string, unknown>): [string, unknown][] {
  return Object.entries(module).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error);
}

describe('errors: the node-iolib/errors entry point', function () {
  it('exports every error class that any entry point exports, as the same class', function () {
    const missing: string[] = [];
    for (const module of [everything, sockets, dns, multiplex, address] as Record<string, unknown>[]) {
      for (const [name, cls] of errorClasses(module)) if ((errors as Record<string, unknown>)[name] !== cls) missing.push(name);
    }
    expect(missing).to.deep.equal([]);
    expect(errorClasses(errors as Record<string, unknown>).length).to.be.greaterThan(30);
    // Only classes: the helper that picks a class for an errno is internal.
    for (const module of [everything, errors, sockets]) expect(Object.keys(module)).not.to.include('socketErrorFor');
  });

  it('the sockets entry exports the resolver errors makeSocket can reject with', async function () {
    let err: unknown;
    try {
      await makeSocket({ remoteHost: 'no-such-host.invalid', remotePort: 80 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ResolverError);
    expect(err).to.be.instanceOf(errors.ResolverError);
  });

  it('the dns entry exports the wait and address errors its look-ups reject with', async function () {
    const aborted = AbortSignal.abort('stop');
    const abortErr = await dns.lookupHostname('localhost', { signal: aborted }).then(() => null, (e: unknown) => e);
    expect(abortErr).to.be.instanceOf(dns.AbortError);
    const parseErr = await dns.lookupName('zz').then(() => null, (e: unknown) => e);
    expect(parseErr).to.be.instanceOf(dns.AddressParseError);
    expect(dns.PollTimeoutError).to.equal(errors.PollTimeoutError);
  });

  it('every coded argument error is of the class its code names in ERROR_CODES', async function () {
    expect(errors.ERROR_CODES.ERR_OUT_OF_RANGE).to.equal(RangeError);
    for (const [make, code] of [
      [() => makeSocket({ backlog: -1, connect: 'passive' }), 'ERR_OUT_OF_RANGE'],
      [() => makeSocket({ type: 'nope' as never }), 'ERR_INVALID_ARG_VALUE'],
      [() => makeSocket({ timeout: 'soon' as never }), 'ERR_INVALID_ARG_TYPE'],
    ] as [() => Promise<unknown>, keyof typeof errors.ERROR_CODES][]) {
      let err: (Error & { code?: string }) | undefined;
      try {
        await make();
      } catch (e) {
        err = e as Error & { code?: string };
      }
      expect(err?.code).to.equal(code);
      expect(err).to.be.instanceOf(errors.ERROR_CODES[code]);
    }
  });
});
