// Sampling rules page: GetSamplingRules, CreateSamplingRule, UpdateSamplingRule,
// DeleteSamplingRule.
import * as api from './api.js';
import { h, fmtTime, message } from './dom.js';

// Field, label, kind and default for a new rule; the names are X-Ray's SamplingRule members.
const FIELDS = [
  ['RuleName', 'Name', 'text', ''],
  ['Priority', 'Priority (1–9999)', 'number', 1000],
  ['FixedRate', 'Fixed rate (0–1)', 'number', 0.05],
  ['ReservoirSize', 'Reservoir (per second)', 'number', 1],
  ['ServiceName', 'Service name', 'text', '*'],
  ['ServiceType', 'Service type', 'text', '*'],
  ['Host', 'Host', 'text', '*'],
  ['HTTPMethod', 'HTTP method', 'text', '*'],
  ['URLPath', 'URL path', 'text', '*'],
  ['ResourceARN', 'Resource ARN', 'text', '*'],
];

function ruleForm(rule, onDone) {
  const editing = Boolean(rule);
  const inputs = {};
  const error = h('div', { class: 'message error', role: 'alert', hidden: true });
  const form = h('form', { id: 'rule-form', class: 'rule-form' },
    h('h3', {}, editing ? `Edit rule ${rule.RuleName}` : 'New rule'),
    FIELDS.map(([key, label, kind, def]) => {
      const input = h('input', {
        name: key, type: kind, step: kind === 'number' ? 'any' : undefined,
        value: rule ? rule[key] ?? '' : def, required: true,
        readonly: editing && (key === 'RuleName' || key === 'ResourceARN') ? true : undefined,
      });
      inputs[key] = input;
      return h('label', {}, h('span', {}, label), input);
    }),
    error,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'rule-save' }, editing ? 'Save' : 'Create'),
      h('button', { type: 'button', onclick: () => onDone(false) }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = {};
    for (const [key, , kind] of FIELDS) {
      value[key] = kind === 'number' ? Number(inputs[key].value) : inputs[key].value.trim();
    }
    try {
      if (editing) {
        delete value.ResourceARN;
        await api.updateSamplingRule(value);
      } else {
        await api.createSamplingRule({ ...value, Version: 1, Attributes: {} });
      }
      onDone(true);
    } catch (e) {
      error.textContent = `${e.type}: ${e.message}`;
      error.hidden = false;
    }
  });
  return form;
}

export async function renderSampling(view, { stillCurrent }) {
  const list = h('div', { id: 'rules' }, message('info', 'Loading…'));
  const formSlot = h('div', { class: 'form-slot' });
  const status = h('div', { class: 'rules-status' });
  view.append(h('section', { class: 'sampling-page' },
    h('div', { class: 'page-head' }, h('h2', {}, 'Sampling rules'),
      h('button', { id: 'rule-new', type: 'button', onclick: () => openForm(null) }, 'New rule')),
    h('p', { class: 'hint' }, 'Rules are evaluated by priority, lowest first; SDKs behind the ' +
      'awsxray receiver in proxy mode fetch them from here.'),
    status, formSlot, list));

  function openForm(rule) {
    formSlot.replaceChildren(ruleForm(rule, (changed) => {
      formSlot.replaceChildren();
      if (changed) load();
    }));
  }

  async function remove(rule) {
    if (!window.confirm(`Delete sampling rule ${rule.RuleName}?`)) return;
    try {
      await api.deleteSamplingRule(rule.RuleName);
      load();
    } catch (e) {
      status.replaceChildren(message('error', `${e.type}: ${e.message}`));
    }
  }

  async function load() {
    status.replaceChildren();
    let records = [];
    try {
      let token;
      let pages = 0;
      do {
        const answer = await api.getSamplingRules(token);
        records = records.concat(answer.SamplingRuleRecords || []);
        token = answer.NextToken;
      } while (token && ++pages < 20);
    } catch (e) {
      if (stillCurrent()) list.replaceChildren(message('error', e.message));
      return;
    }
    if (!stillCurrent()) return;
    records.sort((a, b) => (a.SamplingRule?.Priority ?? 0) - (b.SamplingRule?.Priority ?? 0));
    list.replaceChildren(h('table', { class: 'rules-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Priority', 'Reservoir', 'Rate', 'Service', 'Type',
        'Host', 'Method', 'URL path', 'Modified', ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, records.map((rec) => {
        const r = rec.SamplingRule || {};
        const isDefault = r.RuleName === 'Default';
        return h('tr', { dataset: { rule: r.RuleName } },
          h('td', {}, r.RuleName), h('td', { class: 'num' }, r.Priority),
          h('td', { class: 'num' }, r.ReservoirSize),
          h('td', { class: 'num' }, `${(100 * (r.FixedRate || 0)).toFixed(1)} %`),
          h('td', {}, r.ServiceName), h('td', {}, r.ServiceType), h('td', {}, r.Host),
          h('td', {}, r.HTTPMethod), h('td', {}, r.URLPath), h('td', {}, fmtTime(rec.ModifiedAt)),
          h('td', { class: 'actions' },
            h('button', { type: 'button', class: 'edit', onclick: () => openForm(r) }, 'Edit'),
            // X-Ray refuses to delete its Default rule; only its rate and reservoir change.
            isDefault ? null : h('button', { type: 'button', class: 'delete danger',
              onclick: () => remove(r) }, 'Delete')));
      }))));
  }
  await load();
}
