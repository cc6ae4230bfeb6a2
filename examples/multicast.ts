/**
 * Recipe: IPv4 multicast on the loopback interface. Two receivers join an administratively
 * scoped group (239.0.0.0/8) on 127.0.0.1; a sender sends to the group through that interface
 * with loopback on, and both receivers hear every datagram.
 *
 * Linux loops multicast back on `lo` even without the interface's MULTICAST flag, but some
 * kernels and containers do not. Where the group cannot be joined or the datagrams never
 * arrive, the recipe says why and exits with status 3 ("cannot run here") rather than 0 or 1.
 */
import { randomBytes } from 'node:crypto';
import { makeSocket, type Message } from 'node-iolib/sockets';

const CANNOT_RUN = 3;

const b = randomBytes(3);
const group = `239.${b[0]}.${b[1]}.${Math.max(1, b[2]!)}`; // random, so parallel runs do not meet

// Receivers: bound to the same port (reuseAddress is on by default when binding), joined on lo.
const first = (await makeSocket({ type: 'datagram', localHost: '0.0.0.0', localPort: 0 }));
const port = first.localPort;
const second = (await makeSocket({ type: 'datagram', localHost: '0.0.0.0', localPort: port }));
const receivers = [first, second];
try {
  for (const r of receivers) r.joinMulticastGroup(group, { interface: '127.0.0.1' });
} catch (err) {
  console.log(`skip: cannot join ${group} on 127.0.0.1 here (${(err as Error).message})`);
  process.exit(CANNOT_RUN);
}

// The sender picks lo for multicast and keeps the loopback copy.
const sender = (await makeSocket({ type: 'datagram' }));
sender.setOption('ipMulticastInterface', '127.0.0.1');
sender.setOption('ipMulticastLoop', true);
sender.setOption('ipMulticastTtl', 0); // never beyond this host
console.log(`group ${group}:${port}, two receivers joined on 127.0.0.1`);

const texts = ['one', 'two', 'three'];
const heard = receivers.map(async (r, i) => {
  const got: string[] = [];
  for await (const m of r as AsyncIterable<Message>) {
    got.push(m.data.toString());
    if (got.length === texts.length) break;
  }
  console.log(`receiver ${i + 1} heard ${got.join(', ')}`);
  return got.join();
});
for (const text of texts) sender.write({ data: text, host: group, port });

const timeout = new Promise<null>((resolve) => setTimeout(resolve, 3000, null).unref());
const results = await Promise.race([Promise.all(heard), timeout]);
if (results === null) {
  console.log('skip: nothing arrived within 3 s: this machine does not loop multicast back on lo (try ip link set lo multicast on)');
  process.exit(CANNOT_RUN);
}
const ok = results.every((r) => r === texts.join());
console.log(ok ? 'every receiver heard every datagram' : 'datagrams MISSING');
process.exitCode = ok ? 0 : 1;
for (const s of [...receivers, sender]) await s.close();
