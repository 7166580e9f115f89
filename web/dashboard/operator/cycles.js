// SPDX-License-Identifier: Apache-2.0
// Cycles (GET /v1/operator/cycles, PUT /v1/operator/cycles/{id}): the list with the running one
// marked, a form for a new cycle, and each cycle's page: its enrollment deadline, start and end,
// and its threshold policy (GET/PUT /v1/operator/cycles/{id}/threshold): floor, module floors,
// cohort percentile and hysteresis margin.
import { get, put } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { field, onSubmit } from '../shared/forms.js';
import { fmtDateTime, fmtNumber, t } from '../shared/i18n.js';
import { go } from '../shared/router.js';
import { stackable } from '../shared/table.js';
import { localInputToIso, operatorPage, timeField } from './common.js';

const MODULES = ['basic', 'operational', 'content'];

function cycleBody(d) {
  return { deadline: localInputToIso(d.deadline), start: localInputToIso(d.start), end: localInputToIso(d.end) };
}

function cycleFields(c) {
  return [timeField(t('op.cycle.deadline'), 'deadline', c && c.deadline, t('op.cycle.deadline.hint')),
    timeField(t('op.cycle.start'), 'start', c && c.start), timeField(t('op.cycle.end'), 'end', c && c.end)];
}

export async function cyclesPage(params, page) {
  if (!operatorPage(page, '#/operator', t('op.cycles.title'))) return;
  const { items, current } = await get('/v1/operator/cycles');
  page.append(h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'cycles' },
    h('caption', { class: 'sr-only' }, t('op.cycles.title')),
    h('thead', {}, h('tr', {}, [t('op.cycle.id'), t('op.cycle.deadline'), t('op.cycle.start'), t('op.cycle.end'), ''].map((c) =>
      h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((c) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/operator/cycles/${encodeURIComponent(c.id)}` }, c.id), ' ',
        c.id === current ? h('span', { class: 'status ok' }, t('op.cycle.current')) : null),
      h('td', {}, fmtDateTime(c.deadline)), h('td', {}, fmtDateTime(c.start)), h('td', {}, fmtDateTime(c.end)),
      h('td', {}, h('a', { href: `#/operator/cycles/${encodeURIComponent(c.id)}`, 'aria-label': t('op.cycle.edit.label', { id: c.id }) }, t('op.cycle.edit'))))))))));
  const form = h('form', { novalidate: true, 'aria-labelledby': 'new-cycle-h', id: 'new-cycle' },
    h('div', { class: 'form-alert', role: 'alert' }),
    field(t('op.cycle.id'), { name: 'id', required: true, pattern: '[A-Za-z0-9_.-]+', placeholder: '2027-Q1', maxlength: 32 }, t('op.cycle.id.hint')),
    cycleFields(null),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('op.cycle.create'))));
  onSubmit(form, async (d) => {
    const id = d.id.trim();
    await put(`/v1/operator/cycles/${encodeURIComponent(id)}`, cycleBody(d));
    go(`#/operator/cycles/${encodeURIComponent(id)}`);
  });
  page.append(h('section', { class: 'panel' }, h('h2', { id: 'new-cycle-h' }, t('op.cycle.new')), h('p', { class: 'hint' }, t('op.utc')), form));
}

function numberField(label, name, value, attrs = {}, hint) {
  return field(label, { name, type: 'number', step: 'any', value: value === null || value === undefined ? '' : String(value), inputmode: 'decimal', ...attrs }, hint);
}

function thresholdForm(id, tp, saved) {
  const pct = h('input', { type: 'checkbox', name: 'use_percentile', id: 'tp-usepct', checked: tp.use_percentile });
  const form = h('form', { novalidate: true, 'aria-labelledby': 'tp-h', id: 'threshold' },
    h('div', { class: 'form-alert', role: 'alert' }),
    numberField(t('op.tp.floor'), 'floor', tp.floor, { min: 0, max: 100, required: true }, t('op.tp.floor.hint')),
    h('fieldset', {}, h('legend', {}, t('op.tp.module_floors')), h('p', { class: 'hint' }, t('op.tp.module_floors.hint')),
      MODULES.map((m) => numberField(t(`op.module.${m}`), `module_floors.${m}`, tp.module_floors[m], { min: 0, max: 100 }))),
    h('fieldset', {}, h('legend', {}, t('op.tp.percentile.title')),
      h('div', { class: 'check' }, pct, h('label', { for: 'tp-usepct' }, t('op.tp.use_percentile'))),
      numberField(t('op.tp.percentile'), 'percentile', tp.percentile, { min: 0, max: 100 }),
      numberField(t('op.tp.min_cohort'), 'min_cohort', tp.min_cohort, { min: 0, step: 1, inputmode: 'numeric' }, t('op.tp.min_cohort.hint'))),
    numberField(t('op.tp.margin'), 'margin', tp.margin, { min: 0, max: 100 }, t('op.tp.margin.hint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('op.tp.save'))), saved);
  onSubmit(form, async (d) => {
    const num = (v) => (v === '' || v === undefined ? undefined : Number(v));
    const body = { floor: num(d.floor), percentile: num(d.percentile), margin: num(d.margin),
      min_cohort: num(d.min_cohort), use_percentile: pct.checked, module_floors: {} };
    for (const m of MODULES) body.module_floors[m] = d[`module_floors.${m}`] === '' ? null : Number(d[`module_floors.${m}`]);
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const r = await put(`/v1/operator/cycles/${encodeURIComponent(id)}/threshold`, body);
    saved.textContent = t('op.tp.saved', { floor: fmtNumber(r.floor), margin: fmtNumber(r.margin) });
    const note = document.getElementById('tp-note');
    if (note) note.textContent = t('op.tp.set');
  });
  return form;
}

export async function cyclePage(params, page) {
  if (!operatorPage(page, '#/operator', t('op.cycle.title', { id: params.id }))) return;
  const { items } = await get('/v1/operator/cycles');
  const c = items.find((x) => x.id === params.id);
  if (!c) {
    page.append(h('p', { role: 'alert', class: 'field-error' }, t('op.cycle.unknown', { id: params.id })),
      h('p', {}, h('a', { href: '#/operator' }, t('op.back'))));
    return;
  }
  const tp = await get(`/v1/operator/cycles/${encodeURIComponent(c.id)}/threshold`);
  const saved = h('p', { role: 'status', class: 'copy-status', id: 'tp-status' });
  const cstatus = h('p', { role: 'status', class: 'copy-status', id: 'cycle-status' });
  const form = h('form', { novalidate: true, 'aria-labelledby': 'cycle-h', id: 'cycle' },
    h('div', { class: 'form-alert', role: 'alert' }), cycleFields(c),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('op.cycle.save'))), cstatus);
  onSubmit(form, async (d) => {
    const r = await put(`/v1/operator/cycles/${encodeURIComponent(c.id)}`, cycleBody(d));
    cstatus.textContent = t('op.cycle.saved', { deadline: fmtDateTime(r.deadline) });
  });
  page.append(h('p', {}, h('a', { href: '#/operator' }, t('op.back'))),
    h('div', { class: 'grid-2 grid-top' },
      h('section', { class: 'panel' }, h('h2', { id: 'cycle-h' }, t('op.cycle.dates')), h('p', { class: 'hint' }, t('op.utc')), form),
      h('section', { class: 'panel' }, h('h2', { id: 'tp-h' }, t('op.tp.title')),
        h('p', { class: 'hint', id: 'tp-note' }, tp.operator_set ? t('op.tp.set') : t('op.tp.default')), thresholdForm(c.id, tp, saved))));
}
