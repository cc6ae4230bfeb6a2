/**
 * The one place that finds and loads the addon (node-gyp-build: build/Release when there is
 * one, else the matching prebuild from prebuilds/), once, when first asked: native.ts asks at
 * import; the address values ask only to parse a named IPv6 zone, so they (and the error
 * classes) import where no addon loads.
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { addErrnoNumbers } from './internal/errno-numbers.js';
import type { Native } from './native.js';

/** The package's name, in every message about loading its addon. */
const PACKAGE = 'node-iolib';
// A bundle made for CommonJS leaves import.meta empty: the addon is then looked for (and not
// found) from the working directory, and the error says to keep the package out of the bundle.
const moduleUrl = import.meta.url ?? pathToFileURL(join(process.cwd(), 'bundle.js')).href;
const require = createRequire(moduleUrl);
const here = dirname(fileURLToPath(moduleUrl));
// dist/lib/addon.js -> package root; lib/addon.ts (ts-node style runs) -> package root.
const root = here.includes(`${join('dist', 'lib')}`) ? join(here, '..', '..') : join(here, '..');

/** Whether `dir` is this package's own directory (not an application's, as in a bundle). */
function isPackageRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE;
  } catch {
    return false;
  }
}

/**
 * Loads the addon as node-gyp-build does (build/Release, then the best matching prebuild), or
 * the build IOLIB_NATIVE_ADDON names (a path to its .node file, relative to the working
 * directory: `npm run test:asan` and `test:tsan` run the suite on their sanitizer builds so).
 * node-gyp-build's own errors say neither which package failed nor what to do: these name
 * both, and the one cause a rebuild cannot cure (addons disabled) says so.
 */
function loadAddon(): Native {
  // Bun has no uv_poll, on which every socket waits: it panics at the first read, uncatchably.
  if (process.versions.bun !== undefined) {
    throw new Error(`${PACKAGE} runs on Node.js only: Bun ${process.versions.bun} does not implement libuv's uv_poll, on which its sockets wait. Bun can install the package; run the program with node.`);
  }
  const other = process.env.IOLIB_NATIVE_ADDON;
  try {
    return (other ? require(resolve(other)) : require('node-gyp-build')(root)) as Native;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_DLOPEN_DISABLED') {
      throw new Error(`${PACKAGE} needs its native addon, and this process may not load addons: run node without --no-addons, and with --allow-addons under the permission model.`, { cause: err });
    }
    if (other) throw new Error(`IOLIB_NATIVE_ADDON=${other} does not load: ${(err as Error).message}`, { cause: err });
    const target = `platform=${process.platform} arch=${process.arch} abi=${process.versions.modules} napi=${process.versions.napi}`;
    const reason = String((err as Error).message).trim().replace(/\s*\n\s*/g, '; ');
    if (!isPackageRoot(root)) {
      throw new Error(
        `${PACKAGE}: its native addon is looked for under ${root}, which is not the package's directory (${reason}). ` +
          `A bundler moved its code: keep ${PACKAGE} out of the bundle (esbuild --external:${PACKAGE}), or set IOLIB_NATIVE_ADDON to its .node file.`,
        { cause: err },
      );
    }
    throw new Error(
      `${PACKAGE}: no native addon loads for ${target} (${reason}). ` +
        `Build it from source with \`npm rebuild ${PACKAGE}\` (pnpm 10: \`pnpm approve-builds\`, then \`pnpm rebuild ${PACKAGE}\`; needs a C++17 compiler, Python 3 and make).`,
      { cause: err },
    );
  }
}

let loaded: Native | undefined;

/** The addon, loaded on the first call; a load that fails throws, and the next call tries again. */
export function addon(): Native {
  if (loaded === undefined) {
    loaded = loadAddon();
    addErrnoNumbers(loaded.errnoNumbers);
  }
  return loaded;
}
