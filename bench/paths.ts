/**
 * Where bench/ writes. A source checkout writes into its own bench/: results.json and
 * results.svg, and the C references' binaries in bench/reference/build/ (gitignored). An
 * installed package (under node_modules, perhaps read-only) writes nothing into itself: the
 * results go to the working directory and the binaries to a directory under the system's
 * temporary one.
 */
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root (this file runs from dist/bench). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Whether this is a source checkout: the benchmarks' TypeScript sources are here. */
export const isSourceCheckout = existsSync(join(ROOT, 'bench', 'run.ts'));

/** bench/reference: the C sources, shipped with the package too. */
export const REFERENCE_DIR = join(ROOT, 'bench', 'reference');

/** Where the C references are built. */
export const REFERENCE_BUILD_DIR = isSourceCheckout ? join(REFERENCE_DIR, 'build') : join(tmpdir(), `node-iolib-bench-${userInfo().uid}`);

/** Where results.json and results.svg go by default. */
export const DEFAULT_OUT_DIR = isSourceCheckout ? join(ROOT, 'bench') : process.cwd();
