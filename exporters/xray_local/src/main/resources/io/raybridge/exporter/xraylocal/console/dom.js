// Tiny DOM helpers. Everything shown comes from traces, so text is always set as text, never as
// HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.setAttribute('class', v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Formats seconds as a short human duration. */
export function fmtSeconds(sec) {
  if (sec === undefined || sec === null || Number.isNaN(sec)) return '–';
  if (sec < 1) return `${(sec * 1000).toFixed(sec < 0.01 ? 1 : 0)} ms`;
  if (sec < 60) return `${sec.toFixed(2)} s`;
  return `${(sec / 60).toFixed(1)} min`;
}

export function fmtPercent(part, total) {
  if (!total) return '0 %';
  const p = (100 * part) / total;
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)} %`;
}

export function fmtTime(epochSeconds) {
  if (!epochSeconds) return '–';
  return new Date(epochSeconds * 1000).toLocaleString();
}

export function message(kind, text) {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
