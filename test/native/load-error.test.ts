/**
 * When no addon matches (here: node-gyp-build pointed at an empty directory through the
 * package's <NAME>_PREBUILD variable), importing the package fails with an error that names
 * the package, the platform and ABI looked for, and the command that builds from source.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };

describe('native: the error when no addon matches', function () {
  it('names the package, the platform and ABI, and the command that builds from source', function () {
    const empty = mkdtempSync(join(tmpdir(), 'iolib-noaddon-'));
    try {
      const entry = pathToFileURL(join(root, 'dist', 'lib', 'index.js')).href;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], {
        env: { ...process.env, [`${name.toUpperCase().replace(/-/g, '_')}_PREBUILD`]: empty },
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
});
