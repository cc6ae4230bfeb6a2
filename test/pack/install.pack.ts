/**
 * The package as a user gets it (`npm run test:pack`, not part of `npm test`: it packs and
 * installs). `npm pack` runs prepack (TypeScript and the prebuilt addon); the tarball is checked
 * for what it ships and what it must not, and installed into fresh consumer projects with no
 * compiler, make or python3 on PATH: once with --ignore-scripts (as pnpm 10 and bun install),
 * once with the install script (which must find the prebuild, not compile). The consumer then
 * imports it from ESM, requires it from CommonJS (one copy of each class), runs an echo round
 * trip checked by SHA-256, and type-checks the README's snippet and typed uses under strict,
 * nodenext, exactOptionalPropertyTypes and skipLibCheck: false.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const TOOLS = ['cc', 'gcc', 'c++', 'g++', 'clang', 'make', 'python3', 'python'];

/** The path of `name` on this PATH, or null. */
function which(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** A PATH of one directory holding node, npm and sh, and none of TOOLS. */
function bareBin(base: string): string {
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const npm = which('npm');
  if (!npm) throw new Error('npm is not on PATH');
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(realpathSync(npm), join(bin, 'npm'));
  symlinkSync(which('sh') ?? '/bin/sh', join(bin, 'sh'));
  return bin;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The README's first TypeScript block. */
function readmeSnippet(): string {
  const m = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'));
  if (!m) throw new Error('README.md has no ```ts block');
  return m[1]!;
}

const ECHO = (load: string) => `
const { createHash, randomBytes } = require('node:crypto');
async function main(iolib) {
  const server = await iolib.makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 });
  (async () => { for await (const conn of server) conn.pipe(conn); })();
  const data = randomBytes(1 << 20);
  const digest = await iolib.withOpenSocket({ remoteHost: '127.0.0.1', remotePort: server.localPort }, async (client) => {
    client.end(data);
    const hash = createHash('sha256');
    for await (const chunk of client) hash.update(chunk);
    return hash.digest('hex');
  });
  await server.close();
  if (digest !== createHash('sha256').update(data).digest('hex')) throw new Error('echo differs');
  return { digest, cls: server.constructor.name };
}
${load}
`;

describe('pack: the tarball installs and works with no compiler', function () {
  let base: string;
  let tarball: string;
  let files: string[];
  let bin: string;

  before(function () {
    base = mkdtempSync(join(tmpdir(), 'iolib-pack-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', base], root);
    const out = JSON.parse(packed.slice(packed.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    tarball = join(base, out[0]!.filename);
    files = out[0]!.files.map((f) => f.path);
    bin = bareBin(base);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('ships the library, a prebuilt addon, the docs the README links to, compiled examples and benchmarks, and no tests', function () {
    expect(readdirSync(base)).to.include(`${pkg.name}-${pkg.version}.tgz`);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/native.js', 'binding.gyp', 'native/errno_names.mjs', 'dist/examples/echo.js', 'dist/bench/run.js']) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => /^prebuilds\/linux-x64\/.*\.node$/.test(f)), 'a linux-x64 prebuild').to.have.length.greaterThan(0);
    expect(files.filter((f) => f.startsWith('dist/test/') || /(^|\/)test\//.test(f)), 'tests').to.deep.equal([]);
    // Benchmarks and examples ship to run: no declarations, and no maps to sources not shipped.
    expect(files.filter((f) => /^dist\/(bench|examples)\/.*\.d\.ts$/.test(f)), 'declarations of bench/ and examples/').to.deep.equal([]);
    for (const map of files.filter((f) => f.endsWith('.js.map'))) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(files, `${map} maps to ${source}`).to.include(join(dirname(map), source));
    }
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [, link] of readme.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) expect(files, `README links ${link}`).to.include(link!);
  });

  it('the prebuilt addon needs at most GLIBC_2.28', function () {
    const objdump = which('objdump');
    if (!objdump) this.skip(); // binutils' objdump reads the symbol versions
    for (const f of files.filter((f) => /^prebuilds\/linux-x64\/.*glibc.*\.node$/.test(f))) {
      const symbols = execFileSync(objdump!, ['-T', join(root, f)], { encoding: 'utf8' });
      const versions = [...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => Number(m[1]) * 1000 + Number(m[2]));
      expect(Math.max(...versions), `${f} needs GLIBC_${Math.floor(Math.max(...versions) / 1000)}.${Math.max(...versions) % 1000}`).to.be.at.most(2028);
    }
  });

  for (const mode of ['--ignore-scripts', 'with its install script'] as const) {
    describe(`npm install ${mode}`, function () {
      let app: string;
      let env: NodeJS.ProcessEnv;
      let installed: string;

      before(function () {
        app = join(base, mode === '--ignore-scripts' ? 'app-noscripts' : 'app-scripts');
        mkdirSync(app);
        writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
        env = { ...process.env, PATH: bin, npm_config_build_from_source: '', npm_config_update_notifier: 'false' };
        for (const tool of TOOLS) expect(which(tool, env.PATH), `${tool} hidden`).to.equal(null);
        const args = ['install', '--no-audit', '--no-fund', ...(mode === '--ignore-scripts' ? ['--ignore-scripts'] : ['--foreground-scripts']), tarball];
        installed = run('npm', args, app, env);
      });

      if (mode !== '--ignore-scripts') {
        it('ran the install script (node-gyp-build), which found the prebuild', function () {
          expect(installed).to.include('> node-gyp-build');
        });
      }

      it('used the prebuild: nothing was compiled', function () {
        const installed = join(app, 'node_modules', pkg.name);
        expect(existsSync(join(installed, 'build')), 'a build/ directory').to.equal(false);
        expect(readdirSync(join(installed, 'prebuilds', 'linux-x64')).some((f) => f.endsWith('.node'))).to.equal(true);
      });

      it('imports from ESM and runs an echo round trip', function () {
        writeFileSync(join(app, 'esm.mjs'), `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${ECHO(`const iolib = await import('${pkg.name}');\nconsole.log(JSON.stringify(await main(iolib)));`)}`);
        const out = JSON.parse(run('node', ['esm.mjs'], app, env)) as { digest: string; cls: string };
        expect(out.cls).to.equal('SocketStreamInternetPassive');
        expect(out.digest).to.match(/^[0-9a-f]{64}$/);
      });

      it('requires from CommonJS, runs an echo round trip, and shares the classes with import', function () {
        writeFileSync(
          join(app, 'cjs.cjs'),
          ECHO(`const iolib = require('${pkg.name}');
const sockets = require('${pkg.name}/sockets');
main(iolib).then(async (r) => {
  const esm = await import('${pkg.name}');
  const same = esm.SocketStreamInternetActive === iolib.SocketStreamInternetActive && sockets.makeSocket === iolib.makeSocket && esm.makeSocket === iolib.makeSocket && require('${pkg.name}/errors').SocketError === iolib.SocketError;
  console.log(JSON.stringify({ ...r, same, address: require('${pkg.name}/address').IPV4_LOOPBACK.toString() }));
});`),
        );
        const out = JSON.parse(run('node', ['cjs.cjs'], app, env)) as { digest: string; cls: string; same: boolean; address: string };
        expect(out.cls).to.equal('SocketStreamInternetPassive');
        expect(out.same, 'one copy of each class').to.equal(true);
        expect(out.address).to.equal('127.0.0.1');
      });

      if (mode === '--ignore-scripts') {
        it('runs the demo example the tarball ships', function () {
          const out = run('node', [join(app, 'node_modules', pkg.name, 'dist', 'examples', 'echo.js')], app, env);
          expect(out).to.include('every message came back intact');
        });

        it('iolib bench in the installed package writes its results into the working directory and nothing into the package', function () {
          const installed = join(app, 'node_modules', pkg.name);
          const shipped = readFileSync(join(installed, 'bench', 'results.json'));
          const work = join(app, 'bench-here');
          mkdirSync(work);
          // The C references need a compiler: the machine's PATH, not the bare one.
          run('node', [join(installed, 'dist', 'lib', 'cli', 'main.js'), 'bench', 'tcp-pingpong', '--rounds', '1', '--warmup', '0'], work, { ...process.env, BENCH_SCALE: '0.02' });
          expect(existsSync(join(work, 'results.json')), 'results.json in the working directory').to.equal(true);
          expect(readFileSync(join(installed, 'bench', 'results.json')).equals(shipped), 'the shipped results.json untouched').to.equal(true);
          expect(existsSync(join(installed, 'bench', 'reference', 'build')), 'no build directory in the package').to.equal(false);
        });

        it("type-checks the README's snippet and typed uses in a strict consumer with skipLibCheck: false", function () {
          const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
          writeFileSync(join(app, 'readme.mts'), readmeSnippet());
          writeFileSync(
            join(app, 'typed.mts'),
            `import { makeSocket, makeSocketPair, withOpenSocket, SocketStreamInternetPassive, SocketDatagramLocalActive, SocketStreamInternetActive, SocketSeqpacketLocalActive } from '${pkg.name}';
import { Ipv4Address } from '${pkg.name}/address';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const yes = <T extends true>(): void => {};
export async function typed(): Promise<void> {
  const server = await makeSocket({ connect: 'passive' });
  yes<Equal<typeof server, SocketStreamInternetPassive>>();
  for await (const conn of server) yes<Equal<typeof conn, SocketStreamInternetActive>>();
  const local = await makeSocket({ addressFamily: 'local', type: 'datagram' });
  yes<Equal<typeof local, SocketDatagramLocalActive>>();
  const [a] = makeSocketPair({ type: 'seqpacket' });
  yes<Equal<typeof a, SocketSeqpacketLocalActive>>();
  await withOpenSocket({}, (s) => yes<Equal<typeof s, SocketStreamInternetActive>>());
  const addr: Ipv4Address | null = null;
  void addr;
}
type IsAny<T> = 0 extends 1 & T ? true : false;
const no = <T extends false>(): void => {};
// What the emitted declarations answer, not only what the sources say: no any in the chain.
export function chained(tcp: SocketStreamInternetActive, server: SocketStreamInternetPassive, dgram: SocketDatagramLocalActive, records: SocketSeqpacketLocalActive): void {
  yes<Equal<ReturnType<typeof tcp.unref>, SocketStreamInternetActive>>();
  yes<Equal<ReturnType<typeof server.ref>, SocketStreamInternetPassive>>();
  yes<Equal<ReturnType<typeof dgram.bindAddress>, SocketDatagramLocalActive>>();
  no<IsAny<ReturnType<typeof records.shutdown>>>();
  no<IsAny<ReturnType<typeof dgram.read>>>();
  dgram.on('data', (m) => no<IsAny<typeof m>>());
}
export async function messages(dgram: SocketDatagramLocalActive, timeout?: number): Promise<void> {
  for await (const m of dgram) no<IsAny<typeof m>>();
  // exactOptionalPropertyTypes: an option may be given as undefined.
  await dgram.receiveFrom({ timeout, size: timeout });
}
`,
          );
          writeFileSync(join(app, 'required.cts'), `import iolib = require('${pkg.name}');\nexport const make: typeof iolib.makeSocket = iolib.makeSocket;\n`);
          writeFileSync(
            join(app, 'tsconfig.json'),
            JSON.stringify({
              compilerOptions: {
                target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], module: 'nodenext', moduleResolution: 'nodenext',
                strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true,
                types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
              },
              files: ['readme.mts', 'typed.mts', 'required.cts'],
            }),
          );
          const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, env, encoding: 'utf8' });
          expect(`${r.stdout}${r.stderr}`.trim()).to.equal('');
          expect(r.status).to.equal(0);
        });

        for (const [module, moduleResolution] of [['commonjs', 'node10'], ['esnext', 'bundler']] as const) {
          it(`type-checks every entry point under module ${module}, moduleResolution ${moduleResolution}`, function () {
            const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
            const dir = join(app, `ts-${moduleResolution}`);
            mkdirSync(dir, { recursive: true });
            writeFileSync(
              join(dir, 'entries.ts'),
              `import { makeSocket } from '${pkg.name}';
import { SocketStreamInternetActive } from '${pkg.name}/sockets';
import { ensureAddress, Ipv4Address } from '${pkg.name}/address';
import { lookupHostname } from '${pkg.name}/dns';
import { Poller } from '${pkg.name}/multiplex';
import { SocketError } from '${pkg.name}/errors';
export const used: [typeof makeSocket, typeof SocketStreamInternetActive, Ipv4Address | null, typeof lookupHostname, typeof Poller, typeof SocketError] = [makeSocket, SocketStreamInternetActive, ensureAddress('127.0.0.1') as Ipv4Address, lookupHostname, Poller, SocketError];
`,
            );
            writeFileSync(
              join(dir, 'tsconfig.json'),
              JSON.stringify({
                compilerOptions: {
                  target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], module, moduleResolution, esModuleInterop: true,
                  strict: true, skipLibCheck: false, noEmit: true, ignoreDeprecations: '6.0',
                  types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
                },
                files: ['entries.ts'],
              }),
            );
            // The consumer's node_modules is the app's.
            const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, env, encoding: 'utf8' });
            expect(`${r.stdout}${r.stderr}`.trim()).to.equal('');
            expect(r.status).to.equal(0);
          });
        }
      }
    });
  }

  it('installs from the unpacked package directory (npm install --install-links DIR), whose prepare has nothing to build', function () {
    const unpacked = join(base, 'unpacked');
    mkdirSync(unpacked);
    run('tar', ['xzf', tarball, '-C', unpacked], base);
    const app = join(base, 'app-dir');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-dir', version: '1.0.0', private: true }));
    const env = { ...process.env, PATH: bin, npm_config_update_notifier: 'false' };
    const out = run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--install-links', join(unpacked, 'package')], app, env);
    expect(out).to.include('> node native/prepare.mjs');
    writeFileSync(join(app, 'esm.mjs'), `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${ECHO(`const iolib = await import('${pkg.name}');\nconsole.log(JSON.stringify(await main(iolib)));`)}`);
    expect((JSON.parse(run('node', ['esm.mjs'], app, env)) as { cls: string }).cls).to.equal('SocketStreamInternetPassive');
  });
});
