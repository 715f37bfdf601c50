// Service map: GetServiceGraph drawn as hand-made SVG. Services are laid out in columns by their
// distance from the entry points, so a request reads left to right.
import * as api from './api.js';
import { h, s, fmtSeconds, fmtPercent, message } from './dom.js';
import { histogram } from './histogram.js';

const COLUMN_WIDTH = 210;
const ROW_HEIGHT = 130;
const MARGIN = 70;
const RADIUS = 30;

/** Counts of one SummaryStatistics object, with absent members as zero. */
export function stats(summary) {
  const s0 = summary || {};
  const err = s0.ErrorStatistics || {};
  const fault = s0.FaultStatistics || {};
  const total = s0.TotalCount || 0;
  return {
    total,
    ok: s0.OkCount || 0,
    throttle: err.ThrottleCount || 0,
    error: err.TotalCount || 0,
    fault: fault.TotalCount || 0,
    avg: total ? (s0.TotalResponseTime || 0) / total : undefined,
  };
}

/** Health class from the fault, error and throttle shares: ok, warn (4xx/429) or fault (5xx). */
export function health(st) {
  if (!st.total) return 'idle';
  if (st.fault / st.total >= 0.05) return 'fault';
  if (st.fault > 0 || (st.error + st.throttle) / st.total >= 0.05) return 'warn';
  return 'ok';
}

// Compute platforms are services; other AWS types (tables, queues) and remote peers are resources.
const COMPUTE = ['AWS::EC2', 'AWS::ECS', 'AWS::EKS', 'AWS::ElasticBeanstalk', 'AWS::Lambda::Function'];

function isResource(service) {
  const t = service.Type || '';
  if (t === 'remote' || t === 'Remote') return true;
  return t.startsWith('AWS::') && !COMPUTE.some((c) => t.startsWith(c));
}

function layout(services) {
  const byRef = new Map(services.map((sv) => [sv.ReferenceId, sv]));
  const incoming = new Map(services.map((sv) => [sv.ReferenceId, 0]));
  for (const sv of services) {
    for (const e of sv.Edges || []) {
      if (incoming.has(e.ReferenceId)) incoming.set(e.ReferenceId, incoming.get(e.ReferenceId) + 1);
    }
  }
  // Longest distance from a node without callers; a visit budget keeps cycles finite.
  const depth = new Map();
  const queue = services.filter((sv) => sv.Type === 'client' || incoming.get(sv.ReferenceId) === 0)
    .map((sv) => [sv.ReferenceId, 0]);
  if (!queue.length && services.length) queue.push([services[0].ReferenceId, 0]);
  let budget = services.length * services.length + 10;
  while (queue.length && budget-- > 0) {
    const [ref, d] = queue.shift();
    if (depth.has(ref) && depth.get(ref) >= d) continue;
    depth.set(ref, d);
    for (const e of byRef.get(ref)?.Edges || []) {
      if (byRef.has(e.ReferenceId) && d + 1 < services.length) queue.push([e.ReferenceId, d + 1]);
    }
  }
  for (const sv of services) if (!depth.has(sv.ReferenceId)) depth.set(sv.ReferenceId, 0);
  const columns = [];
  for (const sv of services) {
    const d = depth.get(sv.ReferenceId);
    (columns[d] ||= []).push(sv);
  }
  const positions = new Map();
  const tallest = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  columns.forEach((col, d) => {
    if (!col) return;
    col.sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
    const offset = ((tallest - col.length) * ROW_HEIGHT) / 2;
    col.forEach((sv, i) => positions.set(sv.ReferenceId, {
      x: MARGIN + d * COLUMN_WIDTH,
      y: MARGIN + offset + i * ROW_HEIGHT,
    }));
  });
  return {
    positions,
    width: MARGIN * 2 + Math.max(0, columns.length - 1) * COLUMN_WIDTH + 60,
    height: MARGIN * 2 + (tallest - 1) * ROW_HEIGHT + 30,
  };
}

function perMinute(count, range) {
  const minutes = Math.max((range.end - range.start) / 60, 1 / 60);
  const rate = count / minutes;
  const digits = rate < 0.1 ? 2 : rate < 10 ? 1 : 0;
  return `${rate.toFixed(digits)} t/min`;
}

function edgeLabel(st, range) {
  const lines = [`${perMinute(st.total, range)} · ${fmtSeconds(st.avg)}`];
  const bad = [];
  // Short forms keep labels between columns: F faults (5xx), E errors (4xx), T throttles (429).
  if (st.fault) bad.push(`F ${fmtPercent(st.fault, st.total)}`);
  if (st.error - st.throttle > 0) bad.push(`E ${fmtPercent(st.error - st.throttle, st.total)}`);
  if (st.throttle) bad.push(`T ${fmtPercent(st.throttle, st.total)}`);
  if (bad.length) lines.push(bad.join(' · '));
  return lines;
}

function drawMap(services, range, onSelect) {
  const { positions, width, height } = layout(services);
  const svg = s('svg', {
    class: 'service-map', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'Service map',
  });
  svg.append(s('defs', {}, s('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7,
    orient: 'auto-start-reverse',
  }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  const edgeLayer = s('g', { class: 'edges' });
  const nodeLayer = s('g', { class: 'nodes' });
  svg.append(edgeLayer, nodeLayer);
  const names = new Map(services.map((sv) => [sv.ReferenceId, sv.Name]));
  for (const sv of services) {
    const from = positions.get(sv.ReferenceId);
    for (const e of sv.Edges || []) {
      const to = positions.get(e.ReferenceId);
      if (!to) continue;
      const st = stats(e.SummaryStatistics);
      const x1 = from.x + RADIUS;
      const x2 = to.x - RADIUS - 2;
      const mx = (x1 + x2) / 2;
      const path = to.x > from.x
        ? `M ${x1} ${from.y} C ${mx} ${from.y}, ${mx} ${to.y}, ${x2} ${to.y}`
        : `M ${from.x} ${from.y + RADIUS} C ${from.x} ${from.y + 90}, ${to.x} ${to.y + 90}, ` +
          `${to.x} ${to.y + RADIUS + 2}`;
      const label = edgeLabel(st, range);
      // An edge that skips columns gets its label in the last gap, clear of the nodes it passes.
      const long = to.x - from.x > COLUMN_WIDTH * 1.5;
      const lx = to.x > from.x ? (long ? x2 - (COLUMN_WIDTH - 2 * RADIUS) / 2 : mx)
        : (from.x + to.x) / 2;
      const ly = to.x > from.x ? (long ? to.y - 14 : (from.y + to.y) / 2 - 8)
        : Math.max(from.y, to.y) + 75;
      edgeLayer.append(s('g', {
        class: `edge ${health(st)}${e.EdgeType === 'link' ? ' async' : ''}`,
        dataset: { from: sv.Name, to: names.get(e.ReferenceId) },
      },
      s('path', { d: path, 'marker-end': 'url(#arrow)' }),
      s('text', { x: lx, y: ly, 'text-anchor': 'middle', class: 'edge-label' },
        label.map((line, i) => s('tspan', { x: lx, dy: i ? 13 : 0 }, line)))));
    }
  }
  for (const sv of services) {
    const p = positions.get(sv.ReferenceId);
    const st = stats(sv.SummaryStatistics);
    const kind = sv.Type === 'client' ? 'client' : isResource(sv) ? 'resource' : 'service';
    const g = s('g', {
      class: `node ${kind} ${health(st)}`, transform: `translate(${p.x},${p.y})`, tabindex: 0,
      role: 'button', dataset: { name: sv.Name || '', type: sv.Type || '' },
      onclick: () => onSelect(sv, g), onkeydown: (ev) => ev.key === 'Enter' && onSelect(sv, g),
    });
    if (kind === 'resource') {
      g.append(s('rect', { x: -RADIUS, y: -RADIUS * 0.8, width: RADIUS * 2, height: RADIUS * 1.6,
        rx: 8, class: 'shape' }));
    } else {
      g.append(s('circle', { r: kind === 'client' ? RADIUS * 0.7 : RADIUS, class: 'shape' }));
    }
    if (kind !== 'client') {
      g.append(s('text', { y: -2, 'text-anchor': 'middle', class: 'node-stat' }, fmtSeconds(st.avg)),
        s('text', { y: 12, 'text-anchor': 'middle', class: 'node-stat' }, perMinute(st.total, range)));
    }
    g.append(s('text', { y: RADIUS + 16, 'text-anchor': 'middle', class: 'node-name' },
      sv.Type === 'client' ? 'Clients' : sv.Name));
    if (sv.Type && kind !== 'client') {
      g.append(s('text', { y: RADIUS + 29, 'text-anchor': 'middle', class: 'node-type' }, sv.Type));
    }
    g.append(s('title', {}, `${sv.Name || 'client'} — ${st.total} requests`));
    nodeLayer.append(g);
  }
  return svg;
}

export function serviceFilter(name) {
  return `service("${String(name).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}")`;
}

async function showNode(panel, sv, range) {
  const st = stats(sv.SummaryStatistics);
  const filter = serviceFilter(sv.Name);
  const tracesList = h('div', { class: 'node-traces' }, message('info', 'Loading traces…'));
  panel.replaceChildren(
    h('h2', {}, sv.Name || 'Clients', sv.Type ? h('small', {}, ` ${sv.Type}`) : null),
    h('dl', { class: 'stats' },
      h('dt', {}, 'Requests'), h('dd', {}, st.total),
      h('dt', {}, 'Average response time'), h('dd', {}, fmtSeconds(st.avg)),
      h('dt', {}, 'OK'), h('dd', {}, `${st.ok} (${fmtPercent(st.ok, st.total)})`),
      h('dt', {}, 'Errors (4xx)'), h('dd', {}, `${st.error} (${fmtPercent(st.error, st.total)})`),
      h('dt', {}, 'Throttles (429)'),
      h('dd', {}, `${st.throttle} (${fmtPercent(st.throttle, st.total)})`),
      h('dt', {}, 'Faults (5xx)'), h('dd', {}, `${st.fault} (${fmtPercent(st.fault, st.total)})`)),
    h('h3', {}, 'Response time distribution'),
    histogram(sv.ResponseTimeHistogram || sv.DurationHistogram || []),
    h('h3', {}, 'Traces ', h('a', { href: `#/traces?filter=${encodeURIComponent(filter)}`,
      class: 'view-traces' }, 'open in Traces')),
    tracesList);
  if (sv.Type === 'client') {
    tracesList.replaceChildren();
    return;
  }
  try {
    const answer = await api.getTraceSummaries(range.start, range.end, filter);
    const summaries = (answer.TraceSummaries || []).slice(0, 10);
    tracesList.replaceChildren(summaries.length
      ? h('ul', {}, summaries.map((t) => h('li', {},
        h('a', { href: `#/trace/${encodeURIComponent(t.Id)}` }, t.Id),
        ` ${t.Http?.HttpMethod || ''} ${t.Http?.HttpStatus ?? ''} ${fmtSeconds(t.Duration)}`)))
      : message('info', 'No traces in this time range.'));
  } catch (e) {
    tracesList.replaceChildren(message('error', e.message));
  }
}

export async function renderServiceMap(view, { timeRange, stillCurrent }) {
  const range = timeRange();
  const canvas = h('div', { id: 'service-map', class: 'map-canvas' }, message('info', 'Loading…'));
  const panel = h('aside', { id: 'node-panel', class: 'side-panel' },
    h('p', { class: 'hint' }, 'Select a node to see its response times and traces.'));
  view.append(h('section', { class: 'map-page' }, canvas, panel));
  let graph;
  try {
    graph = await api.getServiceGraph(range.start, range.end);
  } catch (e) {
    if (stillCurrent()) canvas.replaceChildren(message('error', e.message));
    return;
  }
  if (!stillCurrent()) return;
  const services = graph.Services || [];
  if (!services.length) {
    canvas.replaceChildren(message('info',
      'No services in this time range. Send traces over OTLP (127.0.0.1:4317) or run "raybridge demo".'));
    return;
  }
  let selected;
  canvas.replaceChildren(drawMap(services, range, (sv, g) => {
    selected?.classList.remove('selected');
    selected = g;
    g.classList.add('selected');
    showNode(panel, sv, range);
  }), h('div', { class: 'legend' },
    h('span', { class: 'swatch ok' }), 'healthy ',
    h('span', { class: 'swatch warn' }), 'errors / throttles ',
    h('span', { class: 'swatch fault' }), 'faults ≥ 5 % · edges: requests/min · average ' +
      'response time · F faults (5xx) · E errors (4xx) · T throttles (429)'));
}
