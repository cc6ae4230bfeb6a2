/**
 * `iolib relay A B`: socat on iolib sockets. Opens A, then B, and copies bytes both ways; when
 * one side's input ends, the other side's output is half-closed, and the relay ends once both
 * directions have (or, with --timeout, that long after the first).
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { integerOption, type Command } from './command.js';
import { ENDPOINT_HELP, openEndpoint, parseEndpoint, type Channel, type EndpointOptions, type EndpointSpec } from './endpoints.js';

/**
 * Copies everything `from` reads into `to`, then half-closes `to`. Resolves to the bytes moved;
 * a failure names the endpoint it came from.
 */
async function pump(from: Channel, to: Channel): Promise<number> {
  let bytes = 0;
  const chunks = from.read()[Symbol.asyncIterator]();
  for (;;) {
    const next = await endpointCall(from.label, () => chunks.next());
    if (next.done) break;
    bytes += next.value.length;
    await endpointCall(to.label, () => to.write(next.value));
  }
  await endpointCall(to.label, () => to.end());
  return bytes;
}

/** Runs `call` on the endpoint `label`; its failure is rethrown with the label in front. */
async function endpointCall<T>(label: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as Error & { code?: unknown };
    throw Object.assign(new Error(`${label}: ${e.message}`, { cause: err }), typeof e.code === 'string' ? { code: e.code } : {});
  }
}

/** Opens an endpoint; a failure names the endpoint. */
function open(spec: EndpointSpec, options: EndpointOptions): Promise<Channel> {
  return endpointCall(spec.label, () => openEndpoint(spec, options));
}

/** The `relay` subcommand. */
export const relay: Command = {
  name: 'relay',
  args: 'A B',
  summary: 'Relay bytes both ways between two sockets of any kind, or stdio (socat).',
  help: `Opens A (a listening endpoint waits for its first peer), then B, and copies bytes in both
directions. When one side's input ends, the other side's output is half-closed (shutdown of
the write side; on datagram endpoints an empty datagram, which also ends their input). The
relay exits 0 once both directions have ended, 1 when an endpoint fails (the error on one
line), 2 for a bad command line. Standard output ends only when the relay exits.

${ENDPOINT_HELP}

options:
  -t, --timeout MS   once one direction has ended, end the other after at most MS ms
  -v, --verbose      say on stderr where listeners listen and how many bytes moved
  -h, --help         this help

A listener on port 0 always says on stderr where it listens ("listening on 127.0.0.1:40123").

examples:
  iolib relay tcp-listen:127.0.0.1:8080 unix:/run/app.sock   # expose a Unix service over TCP
  iolib relay stdio tcp:example.org:80                        # netcat
  iolib relay unix-dgram-listen:/tmp/log.sock stdio           # print datagrams as they come`,
  options: { timeout: { type: 'string', short: 't' }, verbose: { type: 'boolean', short: 'v' } },
  arity: [2, 2],
  async run({ values, positionals }) {
    const [a, b] = positionals.map(parseEndpoint) as [EndpointSpec, EndpointSpec];
    const timeout = values.timeout === undefined ? undefined : integerOption(values, 'timeout', 0);
    const verbose = values.verbose === true;
    const say = (text: string) => process.stderr.write(`iolib relay: ${text}\n`);
    const announce = (spec: { port?: number }) => (text: string) => {
      if (verbose || spec.port === 0) say(text);
    };
    const first = await open(a, { announce: announce(a as { port?: number }) });
    let second: Channel;
    try {
      second = await open(b, { announce: announce(b as { port?: number }) });
    } catch (err) {
      await first.close();
      throw err;
    }
    try {
      const directions = [pump(first, second), pump(second, first)];
      // The first failure ends the relay; a later one (the other direction, cut short by the
      // close below) has nothing more to say.
      for (const d of directions) d.catch(() => {});
      // Whichever ends first, the other then has until the timeout (if any).
      await Promise.race(directions);
      const both = Promise.all(directions);
      const timer = new AbortController();
      const [ab, ba] = timeout === undefined
        ? await both
        : await Promise.race([both, sleep(timeout, [NaN, NaN], { signal: timer.signal })]).finally(() => timer.abort());
      if (verbose) say(`${a.label} -> ${b.label}: ${Number.isNaN(ab!) ? 'cut off by --timeout' : `${ab} bytes`}; ${b.label} -> ${a.label}: ${Number.isNaN(ba!) ? 'cut off by --timeout' : `${ba} bytes`}`);
    } finally {
      await Promise.allSettled([first.close(), second.close()]);
    }
    // stdin may still hold a pending read that would keep the process alive.
    process.stdin.destroy();
    return 0;
  },
};
