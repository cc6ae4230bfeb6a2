/**
 * What one idle socket holds on the V8 heap, from the idle-memory child's heap snapshots:
 *
 *   mkdir -p /tmp/snap && npx tsc -p tsconfig.json
 *   BENCH_IDLE_SNAPSHOT=/tmp/snap node --expose-gc --max-semi-space-size=1 dist/bench/workloads/idle-memory.js iolib
 *   node --max-old-space-size=4096 dist/bench/heap-breakdown.js /tmp/snap iolib
 *
 * (`node` in place of `iolib` for node:net; writing the first snapshot inflates that child's
 * RSS figure, not its heap figure.) Prints the heap's growth per socket by object
 * type and constructor (after the pairs are open, against before), then, for one socket,
 * every object that socket alone keeps alive (those no path from the roots reaches without
 * passing through it) with its size and the path to it, and the socket's own fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** A heap snapshot's graph, nodes by index. */
class Heap {
  readonly count: number;
  private readonly nf: number;
  private readonly ef: number;
  private readonly firstEdge: Uint32Array;

  constructor(private readonly raw: RawSnapshot) {
    const meta = raw.snapshot.meta;
    this.nf = meta.node_fields.length;
    this.ef = meta.edge_fields.length;
    this.count = raw.nodes.length / this.nf;
    this.firstEdge = new Uint32Array(this.count + 1);
    for (let i = 0, e = 0; i < this.count; i++) {
      this.firstEdge[i] = e;
      e += raw.nodes[i * this.nf + 4]! * this.ef;
    }
    this.firstEdge[this.count] = raw.edges.length;
  }

  type(i: number): string {
    return this.raw.snapshot.meta.node_types[0][this.raw.nodes[i * this.nf]!]!;
  }
  name(i: number): string {
    return this.raw.strings[this.raw.nodes[i * this.nf + 1]!]!.slice(0, 60);
  }
  size(i: number): number {
    return this.raw.nodes[i * this.nf + 3]!;
  }
  label(i: number): string {
    return `${this.type(i)}:${this.name(i)}`;
  }

  /** The edges of node `i`: kind, name (or index) and target, weak edges left out unless asked. */
  *edges(i: number, withWeak = false): Generator<{ kind: string; name: string; to: number }> {
    const types = this.raw.snapshot.meta.edge_types[0];
    for (let e = this.firstEdge[i]!; e < this.firstEdge[i + 1]!; e += this.ef) {
      const kind = types[this.raw.edges[e]!]!;
      if (kind === 'weak' && !withWeak) continue;
      const n = this.raw.edges[e + 1]!;
      const name = kind === 'element' || kind === 'hidden' ? `[${n}]` : this.raw.strings[n]!;
      yield { kind, name, to: this.raw.edges[e + 2]! / this.nf };
    }
  }

  /** Nodes reachable from the root (node 0) along strong edges, not passing through `avoid`. */
  reachableAvoiding(avoid: number): Uint8Array {
    const seen = new Uint8Array(this.count);
    seen[0] = 1;
    seen[avoid] = 1;
    const stack = [0];
    while (stack.length > 0) {
      for (const { to } of this.edges(stack.pop()!)) {
        if (!seen[to]) {
          seen[to] = 1;
          stack.push(to);
        }
      }
    }
    return seen;
  }

  /** Self size by type and constructor: [count, bytes]. */
  totals(): Map<string, [number, number]> {
    const m = new Map<string, [number, number]>();
    for (let i = 0; i < this.count; i++) {
      const t = m.get(this.label(i)) ?? [0, 0];
      t[0]++;
      t[1] += this.size(i);
      m.set(this.label(i), t);
    }
    return m;
  }
}

const SOCKET_CLASS: Record<string, string> = { iolib: 'SocketStreamInternetActive', node: 'Socket' };

function load(file: string): Heap {
  return new Heap(JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot);
}

function growth(before: Heap, after: Heap, sockets: number): string[] {
  const b = before.totals();
  const a = after.totals();
  const rows: [string, number, number][] = [];
  let total = 0;
  for (const [k, [n, bytes]] of a) {
    const [n0, bytes0] = b.get(k) ?? [0, 0];
    total += bytes - bytes0;
    if (Math.abs(bytes - bytes0) >= sockets) rows.push([k, (n - n0) / sockets, (bytes - bytes0) / sockets]);
  }
  for (const [k, [, bytes0]] of b) if (!a.has(k)) total -= bytes0;
  rows.sort((x, y) => y[2] - x[2]);
  return [
    `heap growth per socket: ${(total / sockets).toFixed(1)} B, by type:constructor (>= 1 B/socket)`,
    ...rows.map(([k, n, bytes]) => `${bytes.toFixed(1).padStart(8)} B ${n.toFixed(2).padStart(7)} objects  ${k}`),
  ];
}

function oneSocket(heap: Heap, socket: number): string[] {
  const outside = heap.reachableAvoiding(socket);
  const owned = new Map<number, string>([[socket, '']]);
  const stack = [socket];
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (const { name, to } of heap.edges(i)) {
      if (outside[to] || owned.has(to)) continue;
      owned.set(to, owned.get(i) ? `${owned.get(i)}.${name}` : name);
      stack.push(to);
    }
  }
  const rows = [...owned].map(([i, path]) => ({ i, path })).sort((x, y) => heap.size(y.i) - heap.size(x.i));
  const total = rows.reduce((sum, r) => sum + heap.size(r.i), 0);
  const lines = [`one ${heap.name(socket)} alone keeps ${rows.length} objects, ${total} B:`];
  for (const { i, path } of rows) lines.push(`${String(heap.size(i)).padStart(8)} B  ${heap.label(i)}  ${path || '(the socket)'}`);
  const words = (heap.size(socket) - 24) / 8;
  lines.push(`its own fields: ${heap.size(socket)} B is a 3-word header and ${words} in-object fields (small-integer fields hold no object, so list no edge); * : kept alive by this socket alone`);
  for (const { kind, name, to } of heap.edges(socket, true)) {
    if (kind === 'property' || kind === 'internal' || kind === 'weak') lines.push(`  ${kind} ${name} -> ${heap.label(to)} (${heap.size(to)} B)${owned.has(to) ? ' *' : ''}`);
  }
  return lines;
}

const [dir, library] = process.argv.slice(2);
if (!dir || !library || !SOCKET_CLASS[library]) {
  process.stderr.write('usage: node dist/bench/heap-breakdown.js SNAPSHOT_DIR iolib|node\n');
  process.exitCode = 2;
} else {
  const after = load(join(dir, `${library}-after.heapsnapshot`));
  const sockets: number[] = [];
  for (let i = 0; i < after.count; i++) if (after.type(i) === 'object' && after.name(i) === SOCKET_CLASS[library]) sockets.push(i);
  const lines = growth(load(join(dir, `${library}-before.heapsnapshot`)), after, sockets.length);
  lines.push(`${sockets.length} ${SOCKET_CLASS[library]} objects`, ...oneSocket(after, sockets[sockets.length >> 1]!));
  process.stdout.write(`${lines.join('\n')}\n`);
}
