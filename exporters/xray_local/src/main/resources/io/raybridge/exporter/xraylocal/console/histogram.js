// A bar chart of an X-Ray histogram ([{Value: seconds, Count}]) in SVG.
import { h, s, fmtSeconds } from './dom.js';

const WIDTH = 320;
const HEIGHT = 140;
const BINS = 20;

export function histogram(entries) {
  const points = (entries || []).filter((e) => e && e.Count > 0 && e.Value >= 0);
  if (!points.length) return h('p', { class: 'hint histogram-empty' }, 'No data.');
  const max = Math.max(...points.map((p) => p.Value)) || 0.001;
  const bins = new Array(BINS).fill(0);
  for (const p of points) bins[Math.min(BINS - 1, Math.floor((p.Value / max) * BINS))] += p.Count;
  const top = Math.max(...bins);
  const barWidth = WIDTH / BINS;
  const svg = s('svg', { class: 'histogram', width: WIDTH, height: HEIGHT + 20,
    viewBox: `0 0 ${WIDTH} ${HEIGHT + 20}`, role: 'img', 'aria-label': 'Response time histogram' });
  bins.forEach((count, i) => {
    const height = top ? (count / top) * HEIGHT : 0;
    svg.append(s('rect', { x: i * barWidth + 1, y: HEIGHT - height, width: barWidth - 2, height,
      class: 'bar' }, s('title', {}, `${fmtSeconds((i * max) / BINS)}–${fmtSeconds(((i + 1) * max) / BINS)}: ${count}`)));
  });
  svg.append(s('line', { x1: 0, x2: WIDTH, y1: HEIGHT, y2: HEIGHT, class: 'axis' }),
    s('text', { x: 0, y: HEIGHT + 15, class: 'axis-label' }, '0'),
    s('text', { x: WIDTH, y: HEIGHT + 15, 'text-anchor': 'end', class: 'axis-label' },
      fmtSeconds(max)));
  return svg;
}
