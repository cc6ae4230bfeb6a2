/**
 * The C reference programs (bench/reference/*.c): built with the system compiler (`cc`, or
 * $CC) into REFERENCE_BUILD_DIR (see paths.ts) when a benchmark needs them and their build is
 * missing or older than its source, and run as child processes that print one number.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Reference } from './workload.js';
import { REFERENCE_BUILD_DIR as BUILD_DIR, REFERENCE_DIR } from './paths.js';

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function exec(file: string, args: string[], timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.killed ? `killed after ${timeout} ms` : err.message}${stderr ? `\n${stderr.trim()}` : ''}`));
      else resolve(stdout);
    });
  });
}

/** Compiles every program whose binary is missing or older than its source (or common.h). */
export async function buildReferences(): Promise<void> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const header = mtime(join(REFERENCE_DIR, 'common.h'));
  const cc = process.env.CC || 'cc';
  for (const file of readdirSync(REFERENCE_DIR).filter((f) => f.endsWith('.c'))) {
    const source = join(REFERENCE_DIR, file);
    const binary = join(BUILD_DIR, file.slice(0, -2));
    const built = mtime(binary);
    if (built >= mtime(source) && built >= header) continue;
    await exec(cc, ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', binary, source], 120_000);
  }
}

/** Where a built program is (after buildReferences). */
export function referenceBinary(program: string): string {
  return join(BUILD_DIR, program);
}

/** Runs one reference program; answers the number it printed. */
export async function runReference(ref: Reference, timeoutMs: number): Promise<number> {
  const out = await exec(referenceBinary(ref.program), ref.args, timeoutMs);
  const value = Number(out.trim());
  if (!Number.isFinite(value)) throw new Error(`${ref.program} printed ${JSON.stringify(out)}`);
  return value;
}
