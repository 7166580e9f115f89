// SPDX-License-Identifier: Apache-2.0
// The full report of the latest evaluation: the ranked fixes (what to do first, the points it
// would gain, the effort), then every signal by module with its points, its summary, its evidence
// (what was seen where) and its findings.
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { fmtDateTime, fmtNumber, t } from '../shared/i18n.js';
import { requireSession } from './auth.js';
import { siteHeader } from './site_common.js';
import { MODULES } from './site_overview.js';

function fixes(advice) {
  if (!advice.length) return h('p', {}, t('exp.fix.none'));
  return h('ol', { class: 'fixes' }, advice.map((a) => h('li', { class: 'fix' },
    h('p', { class: 'fix-what' }, a.fix || a.signal),
    h('p', { class: 'muted' },
      t('exp.fix.meta', { signal: a.signal, module: t(`exp.module.${a.module}`), gain: fmtNumber(a.gain, 1), effort: t(`exp.effort.${a.effort}`) }),
      a.mandatory_failed ? [' ', h('span', { class: 'status bad' }, t('exp.fix.mandatory'))] : null))));
}

function evidenceList(items) {
  if (!items || !items.length) return null;
  return h('div', {}, h('h4', {}, t('exp.sig.evidence')), h('ul', { class: 'evidence' }, items.map((e) => h('li', {},
    h('strong', {}, e.what), ': ', h('span', { class: 'mono' }, e.snippet || ''), e.url ? [' ', h('span', { class: 'muted mono' }, `(${e.url})`)] : null))));
}

function findingList(items) {
  if (!items || !items.length) return null;
  return h('div', {}, h('h4', {}, t('exp.sig.findings')), h('ul', { class: 'findings' }, items.map((f) => h('li', {},
    h('span', { class: `status ${f.severity === 'fail' ? 'bad' : f.severity === 'warn' ? 'warn' : 'info'}` }, f.severity), ' ',
    f.message, f.fix ? [' — ', h('em', {}, f.fix)] : null))));
}

function signal(s) {
  const pts = typeof s.contribution === 'number' && typeof s.max_points === 'number'
    ? t('exp.sig.points', { got: fmtNumber(s.contribution, 1), max: fmtNumber(s.max_points, 1) }) : t('exp.sig.notmeasured');
  return h('li', { class: 'signal', dataset: { signal: s.id } }, h('details', {},
    h('summary', {}, h('span', { class: 'sig-id' }, s.id), ' ', h('span', { class: 'muted' }, pts),
      s.requirement === 'mandatory' ? [' ', h('span', { class: `status ${s.mandatory_failed ? 'bad' : 'info'}` }, t('exp.sig.mandatory'))] : null),
    h('p', {}, s.summary || ''),
    s.fix ? h('p', {}, h('strong', {}, t('exp.sig.fix')), ' ', s.fix) : null,
    evidenceList(s.evidence), findingList(s.findings)));
}

export async function reportPage({ id }, page) {
  if (!requireSession()) return;
  const site = await get(`/v1/sites/${id}`);
  const list = site.verified ? await get(`/v1/sites/${id}/evaluations?limit=1`) : { items: [] };
  page.append(...siteHeader(site, 'report', null));
  if (!list.items.length) {
    page.append(h('p', { class: 'lead' }, t('exp.eval.none')));
    return;
  }
  const ev = await get(`/v1/evaluations/${list.items[0].id}`);
  const r = ev.report || {};
  page.append(h('p', { class: 'muted' }, t('exp.eval.at', { when: fmtDateTime(ev.at), model: ev.model_version }), ' · ',
    t('exp.report.total', { total: fmtNumber(ev.total, 1), grade: ev.grade })));
  page.append(h('section', { 'aria-labelledby': 'fix-h' }, h('h2', { id: 'fix-h' }, t('exp.fix.title')), fixes(r.advice || [])));
  const signals = r.signals || [];
  page.append(h('section', { 'aria-labelledby': 'sig-h' }, h('h2', { id: 'sig-h' }, t('exp.sig.title', { n: signals.length })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'expand-all', onclick: () => page.querySelectorAll('.signal details').forEach((d) => { d.open = true; }) }, t('exp.sig.expand')),
      h('button', { type: 'button', class: 'secondary', onclick: () => page.querySelectorAll('.signal details').forEach((d) => { d.open = false; }) }, t('exp.sig.collapse'))),
    MODULES.map((m) => {
      const mine = signals.filter((s) => s.module === m);
      const mod = (r.modules || {})[m] || {};
      return mine.length ? h('section', { class: 'module', 'aria-labelledby': `mod-${m}` },
        h('h3', { id: `mod-${m}` }, `${t(`exp.module.${m}`)} — ${typeof mod.score === 'number' ? fmtNumber(mod.score, 1) : '—'}`),
        h('ul', { class: 'signals' }, mine.map(signal))) : null;
    })));
}
