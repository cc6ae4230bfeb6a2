/**
 * Recipe: passing a listening socket to another process (SCM_RIGHTS). The parent opens a TCP
 * listener, starts a child process, and hands it the listener's fd over a Unix socket; the
 * child wraps the fd with makeSocketFromFd and serves the connections the parent's clients
 * make, which is how a supervisor hands sockets to its workers without them binding anything.
 *
 * Run it without arguments; it starts itself again as the child.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  makeSocket, makeSocketFromFd, withOpenSocket,
  SocketStreamInternetPassive,
} from 'node-iolib/sockets';

async function child(controlPath: string): Promise<void> {
  // Connect to the parent and take the fd it sends: a new descriptor for the same listener.
  const control = await makeSocket({ addressFamily: 'local', remoteFilename: controlPath });
  const fd = await control.receiveFileDescriptor();
  const listener = makeSocketFromFd(fd); // family, type and 'passive' come from the kernel
  if (!(listener instanceof SocketStreamInternetPassive)) throw new Error(`expected a TCP listener, got ${listener.constructor.name}`);
  console.log(`child ${process.pid}: got fd ${fd}, a ${listener.constructor.name} on port ${listener.localPort}`);
  for (let i = 0; i < 3; i++) {
    const conn = (await listener.acceptConnection());
    conn.end(`served by process ${process.pid}\n`);
    await conn.close();
  }
  await listener.close();
  await control.close();
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iolib-fd-passing-'));
  const controlPath = join(dir, 'control.sock');
  const listener = (await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 0 }));
  const control = (await makeSocket({ addressFamily: 'local', connect: 'passive', localFilename: controlPath }));
  const port = listener.localPort; // read it now: a closed socket has no name
  console.log(`parent ${process.pid}: listening on 127.0.0.1:${port}`);

  const worker = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', controlPath], { stdio: 'inherit' });
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  const channel = (await control.acceptConnection());
  await channel.sendFileDescriptor(listener);
  await listener.close(); // the parent's copy; the child's descriptor keeps the listener open
  console.log('parent: passed the listener and closed its own copy');

  let fromChild = 0;
  for (let i = 0; i < 3; i++) {
    const reply = await withOpenSocket({ remoteHost: '127.0.0.1', remotePort: port }, async (s) => {
      let text = '';
      for await (const chunk of s) text += chunk.toString();
      return text.trim();
    });
    console.log(`parent: connection ${i + 1} answered "${reply}"`);
    if (reply === `served by process ${worker.pid}`) fromChild++;
  }
  await channel.close();
  await control.close();
  const code = await exited;
  rmSync(dir, { recursive: true, force: true });
  console.log(fromChild === 3 && code === 0 ? 'every connection was served by the child' : 'FAILED');
  if (fromChild !== 3 || code !== 0) process.exitCode = 1;
}

if (process.argv[2] === 'child') await child(process.argv[3]!);
else await parent();
