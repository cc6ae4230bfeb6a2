/**
 * When no addon matches (here: node-gyp-build pointed at an empty directory through the
 * package's <NAME>_PREBUILD variable), importing the package fails with an error that names
 * the package, the platform and ABI looked for, and the command that builds from source.
 * IOLIB_NATIVE_ADDON loads another build instead (`npm run test:asan` and `test:tsan` run the
 * suite on their sanitizer builds so), and a path that does not load fails naming it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
});
