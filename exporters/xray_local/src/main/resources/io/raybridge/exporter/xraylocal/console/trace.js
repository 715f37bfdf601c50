// Trace view: BatchGetTraces, segments and subsegments as a timeline, and a detail panel.
import * as api from './api.js';
import { h, fmtSeconds, fmtTime, message } from './dom.js';

/**
 * Builds the tree of a trace from its segment documents: subsegments nest inside their segment,
 * and a segment (or an independent subsegment) hangs under the subsegment whose id is its
 * parent_id, which is how a downstream call links to the service it reached.
 */
export function buildTree(documents) {
  const nodes = new Map();
  const all = [];
  function visit(doc, parentId, segment) {
    const node = { doc, parentId, segment: segment || doc, children: [] };
    all.push(node);
    if (doc.id && !nodes.has(doc.id)) nodes.set(doc.id, node);
    for (const sub of doc.subsegments || []) visit(sub, doc.id, segment || doc);
    return node;
  }
  const tops = documents.map((doc) => visit(doc, doc.parent_id, null));
  const roots = [];
  for (const node of all) {
    const parent = node.parentId && nodes.get(node.parentId);
    if (parent && parent !== node) parent.children.push(node);
    else if (tops.includes(node)) roots.push(node);
  }
  const byStart = (a, b) => (a.doc.start_time || 0) - (b.doc.start_time || 0);
  const rows = [];
  const seen = new Set();
  function walk(node, depth) {
    if (seen.has(node)) return;
    seen.add(node);
    rows.push({ ...node, depth });
    node.children.sort(byStart).forEach((c) => walk(c, depth + 1));
  }
  roots.sort(byStart).forEach((r) => walk(r, 0));
  return rows;
}

function state(doc) {
  if (doc.fault) return 'fault';
  if (doc.throttle) return 'throttle';
  if (doc.error) return 'error';
  if (doc.in_progress) return 'pending';
  return 'ok';
}

function kv(obj) {
  if (!obj || typeof obj !== 'object' || !Object.keys(obj).length) return null;
  return h('dl', { class: 'kv' }, Object.entries(obj).flatMap(([k, v]) => [
    h('dt', {}, k),
    h('dd', {}, v !== null && typeof v === 'object' ? h('pre', {}, JSON.stringify(v, null, 2))
      : String(v)),
  ]));
}

function section(title, content) {
  return content ? h('section', { class: `detail-section detail-${title.toLowerCase()}` },
    h('h3', {}, title), content) : null;
}

function cause(c) {
  if (!c) return null;
  if (typeof c === 'string') return h('p', {}, `Exception ${c} (recorded on another subsegment)`);
  return h('div', {},
    c.working_directory ? h('p', { class: 'hint' }, `working directory ${c.working_directory}`) : null,
    (c.exceptions || []).map((ex) => h('div', { class: 'exception' },
      h('p', {}, h('strong', {}, ex.type || 'Exception'), ex.message ? `: ${ex.message}` : '',
        ex.remote ? h('span', { class: 'chip' }, 'remote') : null),
      ex.stack?.length ? h('pre', { class: 'stack' }, ex.stack.map((f) =>
        `  at ${f.label || '?'} (${f.path || '?'}${f.line !== undefined ? `:${f.line}` : ''})`)
        .join('\n') + (ex.truncated ? `\n  … ${ex.truncated} more` : '')) : null)));
}

function details(panel, row) {
  const d = row.doc;
  const seg = row.segment;
  const duration = d.end_time && d.start_time ? d.end_time - d.start_time : undefined;
  // replaceChildren would print a null as text; absent sections are dropped first.
  panel.replaceChildren(...[
    h('h2', {}, d.name || '(unnamed)', h('small', {}, row.depth === 0 || d === seg
      ? ' segment' : ' subsegment')),
    section('Overview', kv({
      id: d.id,
      ...(d.parent_id ? { parent_id: d.parent_id } : {}),
      ...(d.origin ? { origin: d.origin } : {}),
      ...(d.namespace ? { namespace: d.namespace } : {}),
      service: seg.name,
      start: fmtTime(d.start_time),
      duration: d.in_progress ? 'in progress' : fmtSeconds(duration),
      status: state(d),
      ...(d.user ? { user: d.user } : {}),
    })),
    section('HTTP', d.http && h('div', {},
      d.http.request ? h('h4', {}, 'request') : null, kv(d.http.request),
      d.http.response ? h('h4', {}, 'response') : null, kv(d.http.response))),
    section('SQL', kv(d.sql)),
    section('AWS', kv(d.aws)),
    section('Annotations', kv(d.annotations)),
    section('Metadata', d.metadata && Object.keys(d.metadata).length
      ? h('pre', {}, JSON.stringify(d.metadata, null, 2)) : null),
    section('Cause', cause(d.cause)),
  ].filter(Boolean));
}

export async function renderTrace(view, { traceId, stillCurrent }) {
  const header = h('div', { class: 'trace-header' },
    h('a', { href: '#/traces', class: 'back' }, '← Traces'),
    h('h2', { class: 'mono' }, traceId || ''));
  const body = h('div', { class: 'trace-body' }, message('info', 'Loading…'));
  view.append(h('section', { class: 'trace-page' }, header, body));
  if (!traceId) {
    body.replaceChildren(message('error', 'No trace id given.'));
    return;
  }
  let answer;
  try {
    answer = await api.batchGetTraces([traceId]);
  } catch (e) {
    if (stillCurrent()) body.replaceChildren(message('error', e.message));
    return;
  }
  if (!stillCurrent()) return;
  const trace = (answer.Traces || []).find((t) => t.Id === traceId) || (answer.Traces || [])[0];
  if (!trace) {
    body.replaceChildren(message('error', `Trace ${traceId} was not found.`));
    return;
  }
  const documents = [];
  for (const seg of trace.Segments || []) {
    try {
      documents.push(typeof seg.Document === 'string' ? JSON.parse(seg.Document) : seg.Document);
    } catch (e) {
      // One unreadable document should not hide the rest of the trace.
    }
  }
  const rows = buildTree(documents);
  const starts = rows.map((r) => r.doc.start_time).filter((t) => t);
  const t0 = Math.min(...starts);
  const ends = rows.map((r) => r.doc.end_time || r.doc.start_time).filter((t) => t);
  const total = Math.max(Math.max(...ends) - t0, 1e-6);
  const panel = h('aside', { id: 'segment-detail', class: 'side-panel' },
    h('p', { class: 'hint' }, 'Select a segment to see its details.'));
  const ticks = h('div', { class: 'ticks' }, [0, 0.25, 0.5, 0.75, 1].map((f) =>
    h('span', { style: `left:${f * 100}%` }, fmtSeconds(f * total))));
  let selected;
  const timeline = h('div', { id: 'timeline', class: 'timeline' },
    h('div', { class: 'timeline-row timeline-head' },
      h('div', { class: 'label' }, 'Name'), h('div', { class: 'track' }, ticks)),
    rows.map((r) => {
      const d = r.doc;
      const start = ((d.start_time || t0) - t0) / total;
      const end = ((d.end_time || d.start_time || t0) - t0) / total;
      const el = h('div', {
        class: `timeline-row ${r.doc === r.segment ? 'segment' : 'subsegment'} ${state(d)}`,
        dataset: { id: d.id || '', name: d.name || '' }, tabindex: 0,
        onclick: () => select(), onkeydown: (ev) => ev.key === 'Enter' && select(),
      },
      h('div', { class: 'label', style: `padding-left:${0.3 + r.depth * 1.1}em` },
        r.doc === r.segment ? h('strong', {}, d.name) : d.name,
        d.http?.response?.status ? h('span', { class: 'chip' }, d.http.response.status) : null),
      h('div', { class: 'track' }, h('div', {
        class: 'bar', style: `left:${start * 100}%;width:${Math.max((end - start) * 100, 0.3)}%`,
        title: fmtSeconds((d.end_time || d.start_time) - d.start_time),
      }), h('span', { class: 'bar-text', style: `left:${Math.min(start * 100, 85)}%` },
        d.in_progress ? 'in progress' : fmtSeconds((d.end_time || d.start_time) - d.start_time))));
      function select() {
        selected?.classList.remove('selected');
        selected = el;
        el.classList.add('selected');
        details(panel, r);
      }
      return el;
    }));
  header.append(h('p', { class: 'hint' }, `${rows.length} segments and subsegments · ` +
    `${fmtSeconds(trace.Duration ?? total)} · started ${fmtTime(t0)}`));
  body.replaceChildren(h('div', { class: 'trace-layout' }, timeline, panel));
  timeline.querySelector('.timeline-row:not(.timeline-head)')?.click();
}
