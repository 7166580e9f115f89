// SPDX-License-Identifier: Apache-2.0
// The overview of one site: the mark (state, since, the live 72-hour countdown while data is due,
// what is still to upload), the cycle pool it is in or was deferred to, the current evaluation
// (grade, total, the three module gauges, the threshold in force), the score history, and the
// score-review request (with the lock's end date while locked). Refreshes itself while an
// evaluation is queued or running (pending_job), and only then.
import { get, post } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { fmtDateTime, fmtNumber, t } from '../shared/i18n.js';
import { requireSession } from './auth.js';
import { gauge, historyChart } from './charts.js';
import { actionButton } from './site_setup.js';
import { refresh } from '../shared/router.js';
import { countdown, serverWords, siteHeader, watchPending } from './site_common.js';

export const MODULES = ['basic', 'operational', 'content'];
const KINDS = ['customs', 'iso', 'outlets'];

function markPanel(site, mark) {
  const d = mark.duty;
  const rows = [
    [t('exp.mark.since'), fmtDateTime(mark.since)],
    [t('exp.mark.score'), mark.score === null ? '—' : fmtNumber(mark.score, 1)],
    [t('exp.mark.threshold'), mark.threshold === null ? '—' : fmtNumber(mark.threshold, 1)],
  ];
  if (mark.green_at) rows.push([t('exp.mark.green_at'), fmtDateTime(mark.green_at)]);
  if (mark.downgraded_at) rows.push([t('exp.mark.downgraded_at'), fmtDateTime(mark.downgraded_at)]);
  const panel = h('section', { class: 'panel mark', 'aria-labelledby': 'mark-h' },
    h('h2', { id: 'mark-h' }, t('exp.mark.title')),
    h('p', { class: 'mark-state' }, h('span', { class: `status ${mark.green ? 'ok' : mark.state === 'downgraded' ? 'bad' : 'info'}` },
      t(`exp.mark.state.${mark.state}`))),
    h('p', {}, t(`exp.mark.explain.${mark.state}`)),
    h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  if (d.open && !d.met) {
    const missing = KINDS.filter((k) => !d.uploaded[k]);
    panel.append(countdown(d), h('p', {}, t('exp.duty.missing'), ' ', missing.map((k) => t(`exp.up.${k}.title`)).join(', '), ' — ',
      h('a', { href: `#/sites/${site.id}/uploads` }, t('exp.duty.go'))));
  } else if (d.met) {
    panel.append(h('p', {}, h('span', { class: 'status ok' }, t('exp.duty.met'))));
  }
  return panel;
}

function poolPanel(mark) {
  const p = mark.pool || {};
  let text;
  if (!p.cycle) text = t('exp.pool.none');
  else if (p.deferred) text = t('exp.pool.deferred', { cycle: p.cycle, missed: p.missed });
  else text = t('exp.pool.in', { cycle: p.cycle });
  return h('section', { class: 'panel pool', 'aria-labelledby': 'pool-h' }, h('h2', { id: 'pool-h' }, t('exp.pool.title')),
    h('p', { class: 'pool-text' }, text),
    p.cycle && !mark.green ? h('p', {}, h('span', { class: 'status warn' }, t('exp.pool.unweighted'))) : null,
    mark.cycle ? h('p', { class: 'muted' }, t('exp.pool.current', { cycle: mark.cycle })) : null,
    p.explain ? serverWords(p.explain) : null);
}

function reviewPanel(site, mark) {
  const locked = mark.review_locked_until;
  return h('section', { class: 'panel review', 'aria-labelledby': 'review-h' }, h('h2', { id: 'review-h' }, t('exp.review.title')),
    h('p', {}, t('exp.review.lead')),
    locked ? h('p', { class: 'lock' }, h('span', { class: 'status bad' }, t('exp.review.locked')), ' ',
      h('span', {}, t('exp.review.locked_until', { date: '\u0000' }).split('\u0000').flatMap((part, i) => (i
        ? [h('time', { datetime: locked }, fmtDateTime(locked)), part] : [part])))) : null, // the date in words, machine-readable
    actionButton(t('exp.review.request'), async () => {
      await post(`/v1/sites/${site.id}/review`); // a 423 review_locked names its end (shared/errors.js)
      return t('exp.review.queued');
    }, { id: 'request-review', secondary: true, then: refresh, thenDelay: 1500 })); // the review is an evaluation: pending
}

function evaluationPanel(site, ev, mark) {
  const r = ev.report || {};
  const mods = r.modules || {};
  const th = ev.threshold;
  const grade = typeof ev.grade === 'string' ? ev.grade : (r.grade && r.grade.letter) || '—';
  return h('section', { class: 'panel evaluation', 'aria-labelledby': 'eval-h' },
    h('h2', { id: 'eval-h' }, t('exp.eval.title')),
    h('p', { class: 'muted' }, t('exp.eval.at', { when: fmtDateTime(ev.at), model: ev.model_version })),
    h('div', { class: 'eval-head' },
      h('div', { class: `grade grade-${grade.toLowerCase()}`, role: 'img', 'aria-label': t('exp.eval.grade.aria', { grade }) }, grade),
      h('div', {},
        h('p', { class: 'total' }, h('span', { class: 'total-num' }, fmtNumber(ev.total, 1)), ' / 100'),
        h('p', { class: 'muted' }, t('exp.eval.total')),
        r.confidence !== undefined ? h('p', { class: 'muted' }, t('exp.eval.confidence', { n: fmtNumber(r.confidence * 100, 0) })) : null)),
    h('div', { class: 'gauges' }, MODULES.map((m) => {
      const mod = mods[m] || {};
      const known = ['no_data', 'not_weighted', 'insufficient_data'].includes(mod.status);
      const note = mod.counted === false
        ? t('exp.eval.module.uncounted', { status: known ? t(`exp.module.status.${mod.status}`) : mod.status || '' }) : '';
      return gauge(t(`exp.module.${m}`), typeof mod.score === 'number' ? mod.score : null, { threshold: th ? th.enter : null, note });
    })),
    th ? h('div', { class: 'threshold' }, h('h3', {}, t('exp.eval.threshold')),
      h('p', {}, t('exp.eval.threshold.line', { cycle: th.cycle || '—', enter: fmtNumber(th.enter, 1), stay: fmtNumber(th.stay, 1) })),
      h('p', {}, h('span', { class: `status ${th.meets_enter ? 'ok' : 'bad'}` }, th.meets_enter ? t('exp.eval.meets') : t('exp.eval.misses'))),
      serverWords(th.explain)) : null,
    h('p', {}, h('a', { href: `#/sites/${site.id}/report` }, t('exp.eval.full'))));
}

export async function overviewPage({ id }, page) {
  if (!requireSession()) return;
  const site = await get(`/v1/sites/${id}`);
  const [mark, list] = site.verified
    ? await Promise.all([get(`/v1/sites/${id}/mark`), get(`/v1/sites/${id}/evaluations?limit=100`)])
    : [null, { items: [] }];
  page.append(...siteHeader(site, 'overview', mark));
  if (!site.verified) {
    page.append(h('p', { class: 'lead' }, t('exp.own.first')), h('p', {}, h('a', { class: 'button', href: `#/sites/${id}/setup` }, t('exp.own.go'))));
    return;
  }
  const items = list.items;
  const latest = items.length ? await get(`/v1/evaluations/${items[0].id}`) : null;
  page.append(h('div', { class: 'grid-2' }, markPanel(site, mark), h('div', {}, poolPanel(mark), reviewPanel(site, mark))));
  if (latest) {
    page.append(evaluationPanel(site, latest, mark));
    const points = items.slice().reverse().map((e) => ({ at: e.at, total: e.total, grade: e.grade }));
    page.append(h('section', { class: 'panel', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, t('exp.history.title')),
      historyChart(points, latest.threshold ? latest.threshold.enter : mark.threshold)));
  } else {
    page.append(h('section', { class: 'panel' }, h('h2', {}, t('exp.eval.title')), h('p', {}, t('exp.eval.none')),
      site.pending_job ? h('p', { class: 'muted' }, t('exp.eval.coming')) : actionButton(t('exp.eval.request'), async () => {
        const r = await post(`/v1/sites/${id}/evaluations`);
        return r.queued ? t('exp.eval.queued') : t('exp.eval.already');
      }, { id: 'request-eval', then: refresh, thenDelay: 1500 }))); // shows the pending job, starts watching
  }
  watchPending(page, site); // while an evaluation is queued or running
}
