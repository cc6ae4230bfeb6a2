/**
 * The `iolib` command's other subcommands as child processes: `addr` against Python's
 * ipaddress on a few hundred random networks, every `--help`, every `--json` output parsed,
 * one-line errors for bad arguments, and `bench` on one tiny workload.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CLI, iolib, oneLineError, requireTools, start } from '../helpers/processes.js';

/** A seeded xorshift generator, so a failure names a reproducible network. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Random IPv4 and IPv6 networks, IPv6 written uncompressed and in capitals (the CLI must canonicalize). */
function randomNetworks(n: number, seed: number): string[] {
  const r = random(seed);
  const int = (max: number) => Math.floor(r() * max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const bytes = [int(256), int(256), int(256), int(256)];
      if (i % 10 === 0) bytes[0] = [10, 127, 172, 192, 224, 240][int(6)]!;
      out.push(`${bytes.join('.')}/${int(33)}`);
    } else {
      // Zero words are common, so RFC 5952's longest-run rule gets exercised.
      const words = Array.from({ length: 8 }, () => (r() < 0.45 ? 0 : int(0x10000)));
      if (i % 10 === 1) words[0] = [0xfe80, 0xfc00, 0xff02, 0xfec0, 0x2001][int(5)]!;
      if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) words[5] = 1; // Python < 3.13 prints mapped addresses in hex
      out.push(`${words.map((w) => w.toString(16).toUpperCase().padStart(4, '0')).join(':')}/${int(129)}`);
    }
  }
  return out.concat(['0.0.0.0/0', '255.255.255.255/32', '10.1.2.3/31', '::/0', '::1/128', '::/127', '1:0:0:1:0:0:0:1/64', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128']);
}

/** What Python's ipaddress says about each network, in the CLI's JSON shape. */
const PYTHON_ADDR = String.raw`
import ipaddress, json, sys
out = []
for text in json.load(sys.stdin):
    a = ipaddress.ip_address(text.split('/')[0])
    n = ipaddress.ip_network(text, strict=False)
    hosts = n.hosts()
    first = next(iter(hosts))
    if n.prefixlen >= n.max_prefixlen - 1: last = n.broadcast_address
    elif n.version == 4: last = n.broadcast_address - 1
    else: last = n.broadcast_address
    count = n.num_addresses if n.prefixlen >= n.max_prefixlen - 1 else n.num_addresses - (2 if n.version == 4 else 1)
    private = any(a in ipaddress.ip_network(p) for p in (['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] if n.version == 4 else ['fc00::/7']))
    r = {'version': n.version, 'address': a.compressed, 'network': n.with_prefixlen, 'prefixLength': n.prefixlen,
         'netmask': str(n.netmask), 'wildcard': str(n.hostmask), 'hostMin': str(first), 'hostMax': str(last),
         'loopback': a.is_loopback, 'multicast': a.is_multicast, 'private': private}
    if n.version == 4:
        r.update(broadcast=str(n.broadcast_address), hosts=count, addresses=n.num_addresses, integer=int(a))
    else:
        r.update(expanded=a.exploded, hosts=str(count), addresses=str(n.num_addresses), linkLocal=a.is_link_local, siteLocal=a.is_site_local)
    out.append(r)
print(json.dumps(out))
`;

interface AddrJson {
  version: number; address: string; expanded?: string; integer?: number; kinds: string[];
  network: string; prefixLength: number; netmask: string; wildcard: string; broadcast?: string;
  hostMin: string; hostMax: string; hosts: number | string; addresses: number | string;
}

describe('iolib (commands)', function () {
  this.timeout(60_000);

  describe('addr', () => {
    it('- : a bad line is named by its line number in the input, blank lines counted', async () => {
      const r = await iolib(['addr', '-'], { input: '10.0.0.0/8\n\n\nbogus\n' });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/^iolib addr: line 4 \(bogus\): /);
    });

    it('agrees with Python ipaddress on 400 random IPv4 and IPv6 networks', async function () {
      requireTools(this, 'python3');
      const networks = randomNetworks(400, 20);
      const [cli, py] = await Promise.all([
        iolib(['addr', '-', '--json'], { input: networks.join('\n') }),
        start('python3', ['-c', PYTHON_ADDR], { input: JSON.stringify(networks) }).done,
      ]);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(py.code, py.stderr).to.equal(0);
      const ours = JSON.parse(cli.stdout.toString()) as AddrJson[];
      const theirs = JSON.parse(py.stdout.toString()) as (Record<string, unknown> & { version: number })[];
      expect(ours).to.have.length(networks.length);
      ours.forEach((o, i) => {
        const t = theirs[i]!;
        const what = `${networks[i]}`;
        const { loopback, multicast, private: priv, linkLocal, siteLocal, ...fields } = t;
        const mine: Record<string, unknown> = {
          version: o.version, address: o.address, network: o.network, prefixLength: o.prefixLength, netmask: o.netmask,
          wildcard: o.wildcard, hostMin: o.hostMin, hostMax: o.hostMax, hosts: o.hosts, addresses: o.addresses,
          ...(o.version === 4 ? { broadcast: o.broadcast, integer: o.integer } : { expanded: o.expanded }),
        };
        // A /80's host mask is ::ffff:0:0/96-shaped: RFC 5952 prints it dotted, Python < 3.13 in hex.
        if (o.prefixLength === 80) {
          expect(mine.wildcard, what).to.equal('::ffff:255.255.255.255');
          mine.wildcard = fields.wildcard;
        }
        expect(mine, what).to.deep.equal(fields);
        expect(o.kinds.includes('loopback'), `${what} loopback`).to.equal(loopback);
        expect(o.kinds.includes('multicast'), `${what} multicast`).to.equal(multicast);
        expect(o.kinds.includes('private'), `${what} private`).to.equal(priv);
        if (o.version === 6) {
          expect(o.kinds.includes('link-local') && o.kinds.includes('unicast'), `${what} link-local`).to.equal(linkLocal);
          expect(o.kinds.includes('site-local') && o.kinds.includes('unicast'), `${what} site-local`).to.equal(siteLocal);
        }
      });
    });

    it('prints an ipcalc-style report', async () => {
      const r = await iolib(['addr', '192.168.10.77/22']);
      expect(r.code, r.stderr).to.equal(0);
      const text = r.stdout.toString();
      for (const line of [/^Network:\s+192\.168\.8\.0\/22$/m, /^Netmask:\s+255\.255\.252\.0 = 22$/m, /^Broadcast:\s+192\.168\.11\.255$/m,
        /^HostMin:\s+192\.168\.8\.1$/m, /^HostMax:\s+192\.168\.11\.254$/m, /^Hosts:\s+1022$/m, /^Class:\s+C$/m, /^Kind:\s+unicast, private$/m]) {
        expect(text).to.match(line);
      }
      const mask = await iolib(['addr', '10.9.8.7', '255.255.0.0', '--json']);
      expect(JSON.parse(mask.stdout.toString())).to.include({ network: '10.9.0.0/16', prefixLength: 16 });
      const v6 = JSON.parse((await iolib(['addr', 'FF02:0:0:0:0:0:0:1', '--json'])).stdout.toString()) as AddrJson;
      expect(v6).to.deep.include({ address: 'ff02::1', kinds: ['multicast', 'link-local'] });
    });

    it('refuses what inet_pton refuses, on one line', async () => {
      for (const bad of ['0127.0.0.1', '1.2.3.4/33', '10.0.0.0/255.0.255.0', '1::2::3', '::ffff:1.2.3/96', 'example']) {
        const r = await iolib(['addr', bad]);
        expect(r.code, bad).to.equal(1);
        expect(oneLineError(r), bad).to.match(/^iolib addr: /);
      }
      const both = await iolib(['addr', '10.0.0.0/8', '255.0.0.0']);
      expect(both.code).to.equal(2);
      expect(oneLineError(both)).to.match(/not both/);
    });
  });

  describe('name databases', () => {
    it('lookup localhost answers loopback addresses, as text and as JSON', async () => {
      const text = await iolib(['lookup', 'localhost']);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout.toString()).to.match(/^(127\.0\.0\.1|::1)$/m);
      const json = JSON.parse((await iolib(['lookup', '-4', 'localhost', '--json'])).stdout.toString()) as { addresses: { address: string; family: string }[] };
      expect(json.addresses.length).to.be.greaterThan(0);
      for (const a of json.addresses) expect(a).to.deep.equal({ address: a.address, family: 'ipv4' });
      expect(json.addresses.map((a) => a.address)).to.include('127.0.0.1');
    });

    it('reverse 127.0.0.1 names it (the hosts file)', async () => {
      const r = await iolib(['reverse', '127.0.0.1', '--json']);
      expect(r.code, r.stderr).to.equal(0);
      const json = JSON.parse(r.stdout.toString()) as { address: string; host: string };
      expect(json.address).to.equal('127.0.0.1');
      expect(json.host).to.be.a('string').and.not.equal('');
    });

    it('service and protocol read the databases (text and JSON)', async function () {
      if (!existsSync('/etc/services') || !existsSync('/etc/protocols')) return this.skip();
      expect((await iolib(['service', 'http'])).stdout.toString()).to.match(/^http\s+80\/tcp/);
      expect(JSON.parse((await iolib(['service', '53', 'udp', '--json'])).stdout.toString())).to.include({ name: 'domain', port: 53, protocol: 'udp' });
      expect((await iolib(['protocol', 'tcp'])).stdout.toString()).to.match(/^tcp\s+6\b/);
      expect(JSON.parse((await iolib(['protocol', '17', '--json'])).stdout.toString())).to.include({ name: 'udp', number: 17 });
      const unknown = await iolib(['service', 'no-such-service-here']);
      expect(unknown.code).to.equal(1);
      expect(oneLineError(unknown)).to.match(/^iolib service: /);
      const proto = await iolib(['service', 'http', 'sctp-ish']);
      expect(proto.code).to.equal(2);
    });

    it('output into a pipe whose reader has gone ends quietly with status 0 (as `iolib interfaces | head -1`)', async () => {
      const run = start(process.execPath, [CLI, 'service', 'http', '--json']);
      run.child.stdout!.destroy(); // the reader goes before the command writes
      const done = await run.done;
      expect(done.stderr).to.equal('');
      expect(done.code).to.equal(0);
    });

    it('interfaces lists lo with 127.0.0.1 (text and JSON)', async () => {
      const text = await iolib(['interfaces']);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout.toString()).to.match(/\blo\b[^\n]*\n\s+127\.0\.0\.1\/8/);
      const json = JSON.parse((await iolib(['interfaces', '--json'])).stdout.toString()) as { name: string; flags: { loopback: boolean }; addresses: { address: string }[] }[];
      const lo = json.find((a) => a.flags.loopback);
      expect(lo, 'a loopback interface').to.not.equal(undefined);
      expect(lo!.addresses.map((a) => a.address)).to.include('127.0.0.1');
    });
  });

  describe('help and errors', () => {
    const commands = ['relay', 'addr', 'lookup', 'reverse', 'service', 'protocol', 'interfaces', 'bench'];

    it('--help lists every command, and each command has its own --help', async () => {
      const top = await iolib(['--help']);
      expect(top.code).to.equal(0);
      for (const c of commands) expect(top.stdout.toString()).to.match(new RegExp(`^  ${c}\\b`, 'm'));
      for (const c of commands) {
        const r = await iolib([c, '--help']);
        expect(r.code, c).to.equal(0);
        expect(r.stdout.toString(), c).to.match(new RegExp(`^usage: iolib ${c}\\b`));
        expect((await iolib(['help', c])).stdout.toString()).to.equal(r.stdout.toString());
      }
      const version = await iolib(['--version']);
      expect(version.stdout.toString()).to.match(/^iolib \d+\.\d+\.\d+/);
    });

    it('bad command lines exit 2 with one line and no stack trace', async () => {
      const cases: [string[], RegExp][] = [
        [[], /./],
        [['frobnicate'], /unknown command 'frobnicate'/],
        [['addr'], /takes 1 to 2 arguments/],
        [['addr', '1.2.3.4', '--jsn'], /Unknown option '--jsn'/],
        [['lookup', '-4', '-6', 'localhost'], /not both/],
        [['reverse', '127.0.0.1', '--port', 'x'], /--port must be an integer/],
        [['interfaces', 'eth0'], /takes 0 arguments/],
        [['bench', '--rounds', '0'], /--rounds must be an integer >= 1/],
        [['reverse', '127.0.0.1', '-p', '99999'], /--port must be an integer from 0 to 65535, got '99999'/],
        [['reverse', '127.0.0.1', '-p', '-1'], /--port needs a value; write one that starts with '-' as --port=VALUE/],
        [['reverse', '127.0.0.1', '--port=-1'], /--port must be an integer from 0 to 65535, got '-1'/],
        [['lookup', 'localhost', '--timeout', '-5'], /--timeout needs a value; write one that starts with '-' as --timeout=VALUE/],
        [['service', '70000'], /PORT must be from 0 to 65535, got '70000'/],
      ];
      for (const [args, pattern] of cases) {
        const r = await iolib(args);
        expect(r.code, args.join(' ')).to.equal(2);
        if (args.length === 0) continue; // bare `iolib` prints the help and exits 2
        expect(oneLineError(r), args.join(' ')).to.match(pattern);
      }
    });
    // A failure the command did not expect (here stdout's write, made to throw before the
    // command starts) is reported with its stack when it is a bug, as one line otherwise.
    it('an internal error (an uncoded TypeError) exits 1 with its stack; a coded one stays one line', async () => {
      const failingStdout = (error: string) =>
        `data:text/javascript,${encodeURIComponent(`process.stdout.write = () => { throw ${error}; };`)}`;
      const bug = await start(process.execPath, ['--import', failingStdout("new TypeError('stdout broke')"), CLI, 'addr', '10.0.0.1']).done;
      expect(bug.code).to.equal(1);
      expect(bug.stderr).to.match(/^iolib addr: internal error \(a bug in iolib\): TypeError: stdout broke\n\s+at /);
      const coded = await start(process.execPath, ['--import', failingStdout("Object.assign(new TypeError('stdout refused'), { code: 'ERR_STREAM_DESTROYED' })"), CLI, 'addr', '10.0.0.1']).done;
      expect(coded.code).to.equal(1);
      expect(oneLineError(coded)).to.equal('iolib addr: stdout refused (ERR_STREAM_DESTROYED)');
    });
  });

  describe('bench', () => {
    it('runs one tiny workload: progress lines off a terminal, the table, the chart path, --json results', async function () {
      const out = mkdtempSync(join(tmpdir(), 'iolib-cli-bench-'));
      try {
        const r = await iolib(['bench', 'tcp-pingpong', '--rounds', '1', '--warmup', '0', '--out', out, '--json'], { env: { ...process.env, BENCH_SCALE: '0.02' }, timeoutMs: 120_000 });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.match(/^\[1\/1\] tcp-pingpong iolib [\d,.]+ rt\/s$/m);
        expect(r.stderr).to.not.match(/\r|\x1b\[/);
        expect(r.stderr).to.match(/^tcp-pingpong\s+rt\/s\s/m);
        expect(r.stderr).to.include(`wrote ${join(out, 'results.svg')}`);
        expect(existsSync(join(out, 'results.svg'))).to.equal(true);
        const results = JSON.parse(r.stdout.toString()) as { rounds: number; workloads: { name: string }[] };
        expect(results.rounds).to.equal(1);
        expect(results.workloads.map((w) => w.name)).to.deep.equal(['tcp-pingpong']);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('an unknown workload fails with the runner\'s list', async () => {
      const r = await iolib(['bench', 'no-such-workload', '--rounds', '1', '--warmup', '0'], { timeoutMs: 60_000 });
      expect(r.code).to.equal(1);
      expect(oneLineError(r)).to.match(/^iolib bench: no workload matches no-such-workload; workloads: .*tcp-pingpong/);
    });
  });
});
