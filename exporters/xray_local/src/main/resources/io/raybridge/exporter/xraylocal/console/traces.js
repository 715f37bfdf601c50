// Traces page: GetTraceSummaries with the filter-expression box, paged with NextToken.
import * as api from './api.js';
import { h, fmtSeconds, fmtTime, message } from './dom.js';

const EXAMPLES = [
  'fault',
  'responsetime > 1',
  'http.status = 429',
  'service("checkout") AND error',
  'http.url CONTAINS "/checkout"',
];

function annotationText(annotations) {
  const chips = [];
  for (const [key, values] of Object.entries(annotations || {})) {
    for (const v of values || []) {
      const av = v.AnnotationValue || {};
      const value = av.StringValue ?? av.NumberValue ?? av.BooleanValue;
      chips.push(h('span', { class: 'chip' }, `${key}=${value}`));
    }
  }
  return chips;
}

function statusClass(t) {
  if (t.HasFault) return 'fault';
  if (t.HasThrottle) return 'throttle';
  if (t.HasError) return 'error';
  return 'ok';
}

function row(t) {
  const http = t.Http || {};
  const service = t.EntryPoint?.Name || t.ServiceIds?.[0]?.Name || '';
  return h('tr', {
    class: `trace-row ${statusClass(t)}`, dataset: { traceId: t.Id }, tabindex: 0,
    onclick: () => { location.hash = `#/trace/${encodeURIComponent(t.Id)}`; },
    onkeydown: (ev) => {
      if (ev.key === 'Enter') location.hash = `#/trace/${encodeURIComponent(t.Id)}`;
    },
  },
  h('td', { class: 'mono' }, h('a', { href: `#/trace/${encodeURIComponent(t.Id)}` }, t.Id)),
  h('td', {}, fmtTime(t.StartTime)),
  h('td', {}, http.HttpMethod || ''),
  h('td', { class: 'url' }, http.HttpURL || ''),
  h('td', { class: `status ${statusClass(t)}` }, http.HttpStatus ?? (t.HasFault ? 'fault' : '')),
  h('td', { class: 'num' }, fmtSeconds(t.Duration)),
  h('td', { class: 'num' }, fmtSeconds(t.ResponseTime)),
  h('td', {}, service),
  h('td', {}, annotationText(t.Annotations)));
}

export async function renderTraces(view, { params, timeRange, stillCurrent }) {
  const input = h('input', {
    id: 'filter-input', type: 'text', spellcheck: 'false', autocomplete: 'off',
    placeholder: 'Filter expression, e.g. service("checkout") AND responsetime > 0.5',
    value: params.get('filter') || '', 'aria-label': 'Filter expression',
  });
  const errorBox = h('div', { id: 'filter-error', class: 'message error', role: 'alert',
    hidden: true });
  const status = h('div', { id: 'trace-status', class: 'hint' });
  const tbody = h('tbody');
  const more = h('button', { id: 'load-more', type: 'button', hidden: true }, 'Load more');
  const form = h('form', { class: 'filter-bar', id: 'filter-form' },
    input, h('button', { id: 'filter-run', type: 'submit' }, 'Run'));
  view.append(h('section', { class: 'traces-page' },
    form,
    h('div', { class: 'examples' }, 'Examples: ', EXAMPLES.map((ex) => h('button', {
      type: 'button', class: 'example',
      onclick: () => { input.value = ex; form.requestSubmit(); },
    }, ex))),
    errorBox, status,
    h('table', { id: 'trace-list', class: 'trace-list' },
      h('thead', {}, h('tr', {}, ['ID', 'Started', 'Method', 'URL', 'Status', 'Duration',
        'Response', 'Service', 'Annotations'].map((c) => h('th', {}, c)))),
      tbody),
    more));

  let nextToken;
  let shown = 0;
  let query = 0;
  async function load(append) {
    const current = ++query;
    const range = timeRange();
    const filter = input.value.trim();
    errorBox.hidden = true;
    status.textContent = 'Loading…';
    if (!append) {
      tbody.replaceChildren();
      shown = 0;
      nextToken = undefined;
    }
    try {
      // X-Ray may answer a page with no summaries but a token while it scans; keep following it.
      let answer;
      let pages = 0;
      do {
        answer = await api.getTraceSummaries(range.start, range.end, filter, nextToken);
        if (!stillCurrent() || current !== query) return;
        const list = answer.TraceSummaries || [];
        tbody.append(...list.map(row));
        shown += list.length;
        nextToken = answer.NextToken;
      } while (nextToken && !(answer.TraceSummaries || []).length && ++pages < 5);
      more.hidden = !nextToken;
      status.textContent = `${shown} trace${shown === 1 ? '' : 's'}` +
        (answer.TracesProcessedCount !== undefined
          ? ` (${answer.TracesProcessedCount} scanned)` : '');
    } catch (e) {
      if (!stillCurrent() || current !== query) return;
      status.textContent = '';
      errorBox.replaceChildren(h('strong', {}, e.type === 'NetworkError' ? '' : `${e.type}: `),
        e.message);
      errorBox.hidden = false;
    }
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const filter = input.value.trim();
    const target = filter ? `#/traces?filter=${encodeURIComponent(filter)}` : '#/traces';
    // Keep the filter in the address so that it survives reloads and can be shared.
    if (location.hash !== target) history.replaceState(null, '', target);
    load(false);
  });
  more.addEventListener('click', () => load(true));
  await load(false);
}
