// Run by `npm pack` and `npm publish` (prepack): the tarball gets a clean TypeScript build and
// a prebuilt addon for this platform in prebuilds/, which is rebuilt (npm run prebuildify)
// when missing or older than the native sources, so installs need no compiler.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Build output goes to stderr: stdout is `npm pack --json`'s.
const run = (command) => execSync(command, { cwd: root, stdio: ['ignore', 2, 2] });

rmSync(join(root, 'dist'), { recursive: true, force: true });
run('tsc -p tsconfig.json');

const newest = (paths) => Math.max(...paths.map((p) => statSync(p).mtimeMs));
const sources = newest([join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f))]);
const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const builds = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')).map((f) => join(dir, f)) : [];
if (builds.length === 0 || newest(builds) < sources) run('npm run prebuildify');

// The benchmarks and examples ship to run, not to import: no declarations, and no source maps
// for bench/, whose TypeScript does not ship (the examples' sources do, and their maps stay).
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const f of walk(join(root, 'dist', 'bench'))) if (/\.d\.ts(\.map)?$|\.js\.map$/.test(f)) rmSync(f);
for (const f of walk(join(root, 'dist', 'examples'))) if (/\.d\.ts(\.map)?$/.test(f)) rmSync(f);
