/**
 * Helpers for the CLI and example tests: running a program as a child process with a time
 * limit, waiting for a line it prints, and knowing whether a foreign peer (socat, python3) is
 * installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { skipFor } from './sockets.js';

/** The compiled `iolib` command. */
export const CLI = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));

/** What a finished child process left. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** A child process that is running, with its output collected as it comes. */
export interface Running {
  child: ChildProcess;
  /** Resolves when the child exits (killed with SIGKILL after `timeoutMs`). */
  done: Promise<Finished>;
  /** Resolves with the first stderr or stdout line matching `pattern`. */
  line(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
}

/** Starts `command args`; `input` (if any) is written to its stdin, which is then closed. */
export function start(command: string, args: string[], options: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeoutMs?: number; stdin?: 'pipe' | 'ignore' } = {}): Running {
  const child = spawn(command, args, { stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  const stdout: Buffer[] = [];
  let stderr = '';
  let text = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const scan = () => {
    for (const w of [...waiters]) {
      const m = w.pattern.exec(text);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout.push(d);
    if (waiters.length) {
      text += d.toString('latin1');
      scan();
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    text += d;
    scan();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr });
    });
  });
  if (child.stdin) {
    child.stdin.on('error', () => {}); // a child that exits early closes its stdin: not our failure
    if (options.input !== undefined) child.stdin.end(options.input);
  }
  return {
    child,
    done,
    line(pattern, ms = 15_000) {
      const m = pattern.exec(text);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${ms} ms; output so far: ${text}`)), ms);
        done.then(() => setTimeout(() => reject(new Error(`exited before printing ${pattern}; output: ${text}`)), 0));
        waiters.push({ pattern, resolve: (x) => (clearTimeout(t), resolve(x)) });
      });
    },
  };
}

/** Runs `iolib args` to completion. */
export function iolib(args: string[], options: Parameters<typeof start>[2] = {}): Promise<Finished> {
  return start(process.execPath, [CLI, ...args], options).done;
}

/** Starts `iolib args`. */
export function startIolib(args: string[], options: Parameters<typeof start>[2] = {}): Running {
  return start(process.execPath, [CLI, ...args], options);
}

const tools = new Map<string, boolean>();
/** Whether `tool` runs here (`tool -V` / `--version` exits 0). */
export function have(tool: string): boolean {
  if (!tools.has(tool)) tools.set(tool, spawnSync(tool, [tool === 'socat' ? '-V' : '--version'], { stdio: 'ignore' }).status === 0);
  return tools.get(tool)!;
}

/** Skips the current test (or suite, from `before`) unless every tool is installed. */
export function requireTools(ctx: Mocha.Context, ...names: string[]): void {
  const missing = names.filter((n) => !have(n));
  if (!missing.length) return;
  // Under test:tsan the preloaded runtime crashes such programs at start.
  const why = process.env.LD_PRELOAD?.includes('libtsan') ? 'crash with libtsan preloaded' : 'not installed (.ci/run installs them)';
  skipFor(ctx, `${missing.join(' and ')} ${why}`);
}

/**
 * Skips the current test when its children start through /bin/sh and ThreadSanitizer's
 * runtime is preloaded (npm run test:tsan): the shell itself then crashes before it runs them.
 */
export function requireShellChildren(ctx: Mocha.Context): void {
  if (process.env.LD_PRELOAD?.includes('libtsan')) skipFor(ctx, 'children started through /bin/sh do not run with libtsan preloaded (the shell crashes)');
}

/** Expects a failed run's stderr to be one line and no stack trace. */
export function oneLineError(r: Finished): string {
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || /\n\s+at /.test(r.stderr)) throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  return lines[0]!;
}
