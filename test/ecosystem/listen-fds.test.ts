/**
 * listenFds(): systemd socket activation, tested as systemd starts a service: a child process
 * given listening sockets as fds 3 and 4, with LISTEN_PID (its own pid), LISTEN_FDS and
 * LISTEN_FDNAMES in its environment.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listenFds, makeSocket, SocketStreamInternetPassive, SocketStreamLocalPassive } from '../../lib/sockets/index.js';
import { requireShellChildren } from '../helpers/processes.js';
import { Cleanup, tmpSocketPath } from '../helpers/sockets.js';

const example = fileURLToPath(new URL('../../examples/socket-activation.js', import.meta.url));
const libIndex = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

/** Starts `args` under sh so that LISTEN_PID is the pid node then runs as (exec keeps it). */
function activated(args: string[], fds: number[], names: string) {
  const child = spawn('sh', ['-c', 'LISTEN_PID=$$ exec "$@"', 'sh', process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', ...fds],
    env: { ...process.env, LISTEN_FDS: String(fds.length), LISTEN_FDNAMES: names },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function get(options: http.RequestOptions): Promise<string> {
  const req = http.get(options);
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

describe('listenFds (systemd socket activation)', function () {
  this.timeout(30000);
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('a child given a TCP and a Unix listener as fds 3 and 4 serves HTTP on both (examples/socket-activation)', async function () {
    requireShellChildren(this);
    const tcp = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
    const path = tmpSocketPath('activation');
    const unix = cleanup.add(await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: path }));
    if (!(tcp instanceof SocketStreamInternetPassive) || !(unix instanceof SocketStreamLocalPassive)) throw new Error('unexpected kinds');
    const { child, output } = activated([example], [tcp.fd, unix.fd], 'web:local');
    cleanup.add(() => child.kill('SIGKILL'));
    while (!/serving http on .*\n.*serving http on/s.test(output())) {
      if (child.exitCode !== null) throw new Error(`the child exited: ${output()}`);
      await once(child.stdout!, 'data');
    }
    // The child's copies serve; ours only wait (never accepting), so every answer is the child's.
    expect(await get({ host: '127.0.0.1', port: tcp.localPort!, path: '/' })).to.equal(`hello from pid ${child.pid}, 127.0.0.1\n`);
    expect(await get({ socketPath: path, path: '/' })).to.equal(`hello from pid ${child.pid}, a local peer\n`);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code, output()).to.equal(0);
  });

  it('names come from LISTEN_FDNAMES; an fd that is not a socket has socket null; the environment is cleared', async function () {
    requireShellChildren(this);
    const tcp = cleanup.add(await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
    const devNull = openSync('/dev/null', 'r');
    cleanup.add(() => closeSync(devNull));
    const script = `const L = await import(${JSON.stringify(libIndex)});
      const got = L.listenFds();
      console.log(JSON.stringify({
        got: got.map((p) => ({ fd: p.fd, name: p.name, kind: p.socket && p.socket.constructor.name, listening: p.socket ? p.socket.isListening() : null })),
        env: [process.env.LISTEN_PID, process.env.LISTEN_FDS, process.env.LISTEN_FDNAMES],
      }));
      for (const p of got) await p.socket?.close();`;
    const { child, output } = activated(['--input-type=module', '-e', script], [tcp.fd, devNull], 'web');
    const [code] = await once(child, 'exit');
    expect(code, output()).to.equal(0);
    expect(JSON.parse(output())).to.deep.equal({
      got: [
        { fd: 3, name: 'web', kind: 'SocketStreamInternetPassive', listening: true },
        { fd: 4, name: 'unknown', kind: null, listening: null },
      ],
      env: [null, null, null], // JSON's form of three unset variables
    });
  });

  it('answers nothing when LISTEN_PID names another process, and checks the variables', function () {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { LISTEN_PID: String(process.pid + 1), LISTEN_FDS: '1' });
      expect(listenFds({ unsetEnvironment: false })).to.deep.equal([]);
      expect(process.env['LISTEN_FDS']).to.equal('1');
      expect(listenFds()).to.deep.equal([]);
      expect(process.env['LISTEN_FDS']).to.equal(undefined);
      Object.assign(process.env, { LISTEN_PID: String(process.pid), LISTEN_FDS: 'two' });
      expect(() => listenFds()).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_VALUE');
      expect(() => listenFds({ unsetEnvironment: 'yes' as unknown as boolean })).to.throw(TypeError).with.property('code', 'ERR_INVALID_ARG_TYPE');
    } finally {
      for (const k of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
