// Run by npm's prepare: in a source checkout (`npm install` there), compiles the TypeScript.
// An installed copy of the package (a directory or git install runs prepare too) ships dist/
// compiled and has neither tsconfig.json nor TypeScript: there is nothing to do. Nor is there
// for `npm pack` and `npm publish`, which run prepare after prepack: prepack made the
// tarball's dist/, and compiling again would bring back what it left out.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packing = process.env.npm_command === 'pack' || process.env.npm_command === 'publish';
if (!packing && existsSync(join(root, 'tsconfig.json'))) {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
