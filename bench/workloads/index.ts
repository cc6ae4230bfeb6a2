/** Every workload of the benchmark, in the table's order. */
import type { Form, Workload } from '../workload.js';
import { acceptRate } from './accept-rate.js';
import { httpWorkloads } from './http.js';
import { idleMemoryHeap, idleMemoryRss } from './idle-memory.js';
import { tcpConcurrent } from './tcp-concurrent.js';
import { tcpPingpong } from './tcp-pingpong.js';
import { tcpThroughput } from './tcp-throughput.js';
import { udpReceive } from './udp-receive.js';

const windowed = [tcpPingpong, tcpConcurrent, udpReceive, acceptRate];

/** All workloads: the fixed-count forms, then the time-window forms (named `...@window`). */
export const workloads: Workload[] = [
  tcpThroughput,
  ...windowed.map((make) => make('count')),
  idleMemoryRss,
  idleMemoryHeap,
  ...httpWorkloads,
  ...windowed.map((make) => make('window')),
];

/** Whether `w` is a time-window form. */
export function isWindowForm(w: Workload): boolean {
  return w.name.endsWith('@window');
}

/**
 * The workloads `selection` names (exact names or prefixes; `idle` picks both memory rows,
 * `http` the four HTTP ones), all of them when it is empty. Window forms come only when named
 * with their `@window` or when `forms` includes 'window'.
 */
export function selectWorkloads(selection: readonly string[], forms: readonly Form[] = ['count']): Workload[] {
  const wanted = (w: Workload) => (isWindowForm(w) ? forms.includes('window') : forms.includes('count'));
  if (selection.length === 0) return workloads.filter(wanted);
  const picked = workloads.filter((w) => selection.some((s) => w.name === s || (w.name.startsWith(s) && (s.includes('@') || wanted(w)))));
  if (picked.length === 0) throw new Error(`no workload matches ${selection.join(', ')}; workloads: ${workloads.map((w) => w.name).join(', ')}`);
  return picked;
}
