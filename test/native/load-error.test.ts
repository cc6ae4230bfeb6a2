/**
 * When no addon matches (here: node-gyp-build pointed at an empty directory through the
 * package's <NAME>_PREBUILD variable), importing the package fails with an error that names
 * the package, the platform and ABI looked for, and the command that builds from source.
 * IOLIB_NATIVE_ADDON loads another build instead (`npm run test:asan` and `test:tsan` run the
 * suite on their sanitizer builds so), and a path that does not load fails naming it. The
 * causes a rebuild cannot cure (addons disabled, code moved out of the package by a bundler,
 * Bun) say what does; the address values and the error classes import with no addon at all.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
const entry = pathToFileURL(join(root, 'dist', 'lib', 'index.js')).href;
/** This process's environment without IOLIB_NATIVE_ADDON (set when the suite runs on another build). */
const { IOLIB_NATIVE_ADDON: inUse, ...plainEnv } = process.env;

describe('native: loading the addon', function () {
  it('names the package, the platform and ABI, and the command that builds from source', function () {
    const empty = mkdtempSync(join(tmpdir(), 'iolib-noaddon-'));
    try {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], {
        env: { ...plainEnv, [`${name.toUpperCase().replace(/-/g, '_')}_PREBUILD`]: empty },
        encoding: 'utf8',
      });
      expect(child.status).to.not.equal(0);
      expect(child.stderr).to.include(`${name}: no native addon loads for platform=${process.platform} arch=${process.arch} abi=${process.versions.modules}`);
      expect(child.stderr).to.include(`npm rebuild ${name}`);
      expect(child.stderr).to.include('C++17 compiler, Python 3 and make');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('IOLIB_NATIVE_ADDON loads the build it names instead', function () {
    const addon = inUse ?? join(root, 'build', 'Release', 'iolib.node');
    // Which file is mapped is read from /proc (Linux, the supported platform).
    if (!existsSync(addon) || !existsSync('/proc/self/maps')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'iolib-otheraddon-'));
    try {
      const copy = join(dir, 'other.node');
      copyFileSync(addon, copy);
      // The library works on it, and it is the copy that is mapped into the process.
      const script = `const { makeSocketPair } = await import(${JSON.stringify(entry)});
        const { readFileSync } = await import('node:fs');
        const [a, b] = await makeSocketPair();
        a.end('over the other build');
        let got = '';
        for await (const chunk of b) got += chunk;
        console.log(JSON.stringify({ got, mapped: readFileSync('/proc/self/maps', 'utf8').includes(${JSON.stringify(copy)}) }));
        await Promise.all([a.close(), b.close()]);`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...plainEnv, IOLIB_NATIVE_ADDON: copy }, encoding: 'utf8' });
      expect(child.status, child.stderr).to.equal(0);
      expect(JSON.parse(child.stdout)).to.deep.equal({ got: 'over the other build', mapped: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an IOLIB_NATIVE_ADDON that does not load fails naming it', function () {
    const missing = join(tmpdir(), 'iolib-no-such-addon', 'iolib.node');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], {
      env: { ...plainEnv, IOLIB_NATIVE_ADDON: missing },
      encoding: 'utf8',
    });
    expect(child.status).to.not.equal(0);
    expect(child.stderr).to.include(`IOLIB_NATIVE_ADDON=${missing} does not load`);
  });

  /** Runs `script` as an ES module in a child with `env` and `args`; answers its status and output. */
  function run(script: string, env: NodeJS.ProcessEnv = plainEnv, args: string[] = [], cwd?: string) {
    return spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { env, encoding: 'utf8', cwd });
  }

  it('an IOLIB_NATIVE_ADDON path is relative to the working directory', function () {
    const addon = inUse ?? join(root, 'build', 'Release', 'iolib.node');
    if (!existsSync(addon)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'iolib-reladdon-'));
    try {
      copyFileSync(addon, join(dir, 'here.node'));
      const child = run(`const { makeSocketPair } = await import(${JSON.stringify(entry)});
        const [a, b] = await makeSocketPair(); await Promise.all([a.close(), b.close()]); console.log('loaded');`, { ...plainEnv, IOLIB_NATIVE_ADDON: './here.node' }, [], dir);
      expect(child.status, child.stderr).to.equal(0);
      expect(child.stdout.trim()).to.equal('loaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('addons disabled (--no-addons) is said, not answered with a rebuild', function () {
    const child = run(`await import(${JSON.stringify(entry)})`, plainEnv, ['--no-addons']);
    expect(child.status).to.not.equal(0);
    expect(child.stderr).to.include(`${name} needs its native addon, and this process may not load addons`);
    expect(child.stderr).to.not.include('npm rebuild');
  });

  it('code moved out of the package (a bundle) says to keep the package external', function () {
    // The library's code under an application's directory, as a bundler leaves it.
    const app = mkdtempSync(join(tmpdir(), 'iolib-bundled-'));
    try {
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'some-app', type: 'module' }));
      cpSync(join(root, 'dist', 'lib'), join(app, 'dist', 'lib'), { recursive: true });
      const child = run(`await import(${JSON.stringify(pathToFileURL(join(app, 'dist', 'lib', 'index.js')).href)})`);
      expect(child.status).to.not.equal(0);
      expect(child.stderr).to.include(`${name}: its native addon is looked for under ${app}, which is not the package's directory`);
      expect(child.stderr).to.include(`keep ${name} out of the bundle`);
      expect(child.stderr).to.not.include('some-app');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('under Bun, says the package runs on Node.js only instead of loading', function () {
    // Bun itself is not installed here: process.versions.bun is what the check reads, and Bun's
    // own panic (uv_poll_init unsupported, at the first read) is what it prevents.
    const child = run(`Object.defineProperty(process.versions, 'bun', { value: '1.4.5' }); await import(${JSON.stringify(entry)})`);
    expect(child.status).to.not.equal(0);
    expect(child.stderr).to.include(`${name} runs on Node.js only: Bun 1.4.5 does not implement libuv's uv_poll`);
  });

  for (const sub of ['address', 'errors']) {
    it(`${name}/${sub} imports and works with no addon to load`, function () {
      const exported = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports[`./${sub}`]!.default;
      const url = pathToFileURL(join(root, exported)).href;
      const child = run(`const m = await import(${JSON.stringify(url)});
        const out = m.ensureAddress ? String(m.ensureAddress('::ffff:192.0.2.1')) : new m.SocketConnectionRefusedError('ECONNREFUSED', 'connect').errno;
        console.log(out);`, { ...plainEnv, IOLIB_NATIVE_ADDON: join(tmpdir(), 'iolib-no-such-addon', 'iolib.node') });
      expect(child.status, child.stderr).to.equal(0);
      expect(child.stdout.trim()).to.equal(sub === 'address' ? '::ffff:192.0.2.1' : String(constants.errno.ECONNREFUSED));
    });
  }

  it('without an addon, parsing a named IPv6 zone fails with the load error', function () {
    const url = pathToFileURL(join(root, 'dist', 'lib', 'address', 'index.js')).href;
    const missing = join(tmpdir(), 'iolib-no-such-addon', 'iolib.node');
    const child = run(`const m = await import(${JSON.stringify(url)}); m.ensureAddress('fe80::1%lo');`, { ...plainEnv, IOLIB_NATIVE_ADDON: missing });
    expect(child.status).to.not.equal(0);
    expect(child.stderr).to.include(`IOLIB_NATIVE_ADDON=${missing} does not load`);
  });
});
