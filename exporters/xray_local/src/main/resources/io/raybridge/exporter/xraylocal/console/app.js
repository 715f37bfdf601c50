// Entry point: a hash router over the three pages and the shared time range.
import { renderServiceMap } from './servicemap.js';
import { renderTraces } from './traces.js';
import { renderTrace } from './trace.js';
import { renderSampling } from './sampling.js';

const view = document.getElementById('view');
const rangeSelect = document.getElementById('time-range');
const customRange = document.getElementById('custom-range');
const rangeStart = document.getElementById('range-start');
const rangeEnd = document.getElementById('range-end');

/** The selected time range as X-Ray timestamps (epoch seconds). */
export function timeRange() {
  if (rangeSelect.value === 'custom') {
    const start = Date.parse(rangeStart.value);
    const end = Date.parse(rangeEnd.value);
    if (!Number.isNaN(start) && !Number.isNaN(end) && end > start) {
      return { start: start / 1000, end: end / 1000 };
    }
  }
  const seconds = Number(rangeSelect.value) || 3600;
  // A little slack past "now" so that traces finishing while the page loads are included.
  const end = Date.now() / 1000 + 60;
  return { start: end - 60 - seconds, end };
}

function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || 'map', arg: parts[1], params: new URLSearchParams(query) };
}

let generation = 0;

async function route() {
  const { page, arg, params } = parseRoute();
  const current = ++generation;
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.page === (page === 'trace' ? 'traces' : page));
  }
  view.replaceChildren();
  view.dataset.page = page;
  // A later navigation may finish first; only the newest one may touch the page.
  const stillCurrent = () => current === generation;
  switch (page) {
    case 'traces':
      return renderTraces(view, { params, timeRange, stillCurrent });
    case 'trace':
      return renderTrace(view, { traceId: arg, stillCurrent });
    case 'sampling':
      return renderSampling(view, { stillCurrent });
    default:
      return renderServiceMap(view, { timeRange, stillCurrent });
  }
}

rangeSelect.addEventListener('change', () => {
  customRange.hidden = rangeSelect.value !== 'custom';
  if (rangeSelect.value === 'custom' && !rangeStart.value) {
    const now = new Date();
    rangeEnd.value = toLocalInput(now);
    rangeStart.value = toLocalInput(new Date(now.getTime() - 3600 * 1000));
  }
  route();
});
rangeStart.addEventListener('change', route);
rangeEnd.addEventListener('change', route);
document.getElementById('refresh').addEventListener('click', route);
window.addEventListener('hashchange', route);
route();
