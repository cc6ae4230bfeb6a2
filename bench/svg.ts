/**
 * A hand-written SVG bar chart of the ratios (no dependencies): per workload a bar for
 * iolib/node (the median of per-round ratios, coloured by the target) and, where there is a C
 * reference, a blue bar for iolib/C beside it; a whisker from the lowest to the highest
 * round's ratio, a dashed line at 1.0 (parity) and each workload's target marked.
 */
import { writeFileSync } from 'node:fs';
import type { WorkloadResult } from './report.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (x: number) => (Math.round(x * 10) / 10).toString();

export function chart(results: WorkloadResult[], subtitle: string): string {
  const W = Math.max(960, 120 + results.length * 80);
  const H = 460;
  const m = { top: 64, right: 60, bottom: 96, left: 64 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  const top = Math.max(2, ...finite(results.flatMap((r) => [r.medianOfRatios, r.target, ...r.roundRatios, ...r.cRoundRatios]))) * 1.1;
  const step = top > 8 ? 2 : top > 4 ? 1 : 0.5;
  const yMax = Math.ceil(top / step) * step;
  const y = (v: number) => m.top + plotH - (Math.max(0, Math.min(v, yMax)) / yMax) * plotH;
  const slot = plotW / Math.max(1, results.length);
  const barW = Math.min(40, slot * 0.36);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="24" font-size="16" font-weight="600" fill="#222">iolib vs node:net / node:dgram / node:http, and vs C: ratio (above 1: iolib better)</text>`);
  out.push(`<text x="${m.left}" y="42" fill="#666">${esc(subtitle)}</text>`);
  // Grid and y axis.
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    const yy = f(y(v));
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${yy}" y2="${yy}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${m.left - 8}" y="${yy}" dy="4" text-anchor="end" fill="#555">${v.toFixed(step < 1 ? 1 : 0)}×</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="#888"/>`);
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#888"/>`);
  /** One bar with its whisker and value; false when there is no finite value to draw. */
  const bar = (cx: number, v: number, rounds: number[], fill: string, title: string): boolean => {
    if (!Number.isFinite(v)) return false;
    const x0 = cx - barW / 2;
    out.push(`<rect x="${f(x0)}" y="${f(y(v))}" width="${f(barW)}" height="${f(y(0) - y(v))}" fill="${fill}"><title>${esc(title)}</title></rect>`);
    const rr = finite(rounds);
    if (rr.length > 1) {
      const lo = Math.min(...rr);
      const hi = Math.max(...rr);
      out.push(`<line x1="${f(cx)}" x2="${f(cx)}" y1="${f(y(lo))}" y2="${f(y(hi))}" stroke="#333" stroke-width="1.2"/>`);
      for (const e of [lo, hi]) out.push(`<line x1="${f(cx - 5)}" x2="${f(cx + 5)}" y1="${f(y(e))}" y2="${f(y(e))}" stroke="#333" stroke-width="1.2"/>`);
    }
    // The value: inside the bar at its foot (the whisker is at its top) when the bar is tall
    // enough, else just above it.
    const inside = y(0) - y(v) >= 22;
    out.push(`<text x="${f(cx)}" y="${f(inside ? y(0) - 7 : y(v) - 5)}" text-anchor="middle" font-weight="600" font-size="11" fill="${inside ? '#ffffff' : '#222'}">${v.toFixed(2)}</text>`);
    return true;
  };
  results.forEach((r, i) => {
    const hasC = r.c.length > 0;
    const cx = m.left + slot * (i + 0.5) - (hasC ? barW * 0.55 : 0);
    const x0 = cx - barW / 2;
    const v = r.medianOfRatios;
    const fill = r.pass ? '#3a9d5d' : v >= 1 ? '#e0a030' : '#d0553f';
    if (!bar(cx, v, r.roundRatios, fill, `${r.name}: iolib/node median ratio ${v.toFixed(2)}, target ${r.target}`)) {
      out.push(`<text x="${f(cx)}" y="${f(y(0) - 6)}" text-anchor="middle" fill="#a00">error</text>`);
    }
    if (hasC) bar(cx + barW * 1.1, r.medianOfCRatios, r.cRoundRatios, '#4a78c0', `${r.name}: iolib/C median ratio ${r.medianOfCRatios.toFixed(2)}`);
    // Target: a red tick across the bar's slot, labelled.
    const ty = f(y(r.target));
    out.push(`<line x1="${f(x0 - 8)}" x2="${f(x0 + barW + 8)}" y1="${ty}" y2="${ty}" stroke="#c0182a" stroke-width="2.5"><title>target ${r.target}</title></line>`);
    out.push(`<text x="${f(x0 + barW + 10)}" y="${ty}" dy="4" fill="#c0182a" font-size="10">${r.target}</text>`);
    // Labels under the axis.
    const ly = m.top + plotH + 16;
    const lx = m.left + slot * (i + 0.5);
    out.push(`<text x="${f(lx)}" y="${ly}" text-anchor="middle" fill="#222" font-size="11">${esc(r.name)}</text>`);
    out.push(`<text x="${f(lx)}" y="${ly + 14}" text-anchor="middle" fill="#777" font-size="10">${esc(r.higherIsBetter ? `iolib/node ${r.unit}` : `node/iolib ${r.unit}`)}</text>`);
  });
  // Parity line on top of the bars.
  const one = f(y(1));
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${one}" y2="${one}" stroke="#222" stroke-width="1.2" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${W - m.right + 4}" y="${one}" dy="4" fill="#222" font-size="10">parity</text>`);
  // Legend.
  const ly = H - 22;
  const legend: [string, string][] = [['#3a9d5d', 'meets target'], ['#e0a030', 'better than node, below target'], ['#d0553f', 'worse than node'], ['#4a78c0', 'iolib/C']];
  let lx = m.left;
  for (const [color, label] of legend) {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${ly}" fill="#444">${label}</text>`);
    lx += 24 + label.length * 6.2;
  }
  out.push(`<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="#c0182a" stroke-width="2.5"/><text x="${lx + 20}" y="${ly}" fill="#444">target</text>`);
  lx += 70;
  out.push(`<line x1="${lx}" x2="${lx}" y1="${ly - 10}" y2="${ly + 1}" stroke="#333"/><text x="${lx + 6}" y="${ly}" fill="#444">range of per-round ratios</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export function writeChart(path: string, results: WorkloadResult[], subtitle: string): void {
  writeFileSync(path, chart(results, subtitle));
}
