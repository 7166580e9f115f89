// SPDX-License-Identifier: Apache-2.0
// Model versions (GET /v1/operator/models) and the preview of one (GET
// /v1/operator/models/{version}/preview): the stored latest evaluations re-scored under that
// version, without a new crawl, as counts (up, down, unchanged, grades up and down) and the
// sites that move most, with their deltas.
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { fmtDate, fmtNumber, t } from '../shared/i18n.js';
import { stackable } from '../shared/table.js';
import { operatorPage } from './common.js';

export async function modelsPage(params, page) {
  if (!operatorPage(page, '#/operator/models', t('op.models.title'))) return;
  const res = await get('/v1/operator/models');
  page.append(h('p', { class: 'lead' }, t('op.models.lead', { n: res.sites })));
  const known = new Set(res.items.map((m) => m.version));
  const others = Object.entries(res.latest_by_version || {}).filter(([v]) => !known.has(v));
  if (others.length) {
    page.append(h('p', { id: 'models-other' }, t('op.models.other'), ' ',
      others.map(([v, n], i) => [i ? ', ' : '', h('code', {}, v), ` (${n})`])));
  }
  page.append(h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'models' },
    h('caption', { class: 'sr-only' }, t('op.models.title')),
    h('thead', {}, h('tr', {}, [t('op.model.version'), t('op.model.date'), t('op.model.file'), t('op.model.in_use'), ''].map((c, i) =>
      h('th', { scope: 'col', class: i === 3 ? 'num' : null }, c)))),
    h('tbody', {}, res.items.map((m) => h('tr', {},
      h('th', { scope: 'row' }, m.version, h('div', { class: 'muted' }, m.id)),
      h('td', {}, m.date ? fmtDate(`${m.date}T00:00:00Z`) : '—'),
      h('td', {}, h('code', {}, m.file)),
      h('td', { class: 'num' }, String(m.latest_evaluations)),
      h('td', {}, h('a', { href: `#/operator/models/${encodeURIComponent(m.version)}`, 'aria-label': t('op.model.preview.label', { v: m.version }) }, t('op.model.preview'))))))))));
}

function moveChip(m) {
  const cls = { up: 'ok', down: 'bad', same: 'info' }[m] || 'info';
  return h('span', { class: `status ${cls}` }, t(`op.preview.grade.${m}`));
}

export async function previewPage(params, page) {
  if (!operatorPage(page, '#/operator/models', t('op.preview.title', { v: params.version }))) return;
  const r = await get(`/v1/operator/models/${encodeURIComponent(params.version)}/preview?limit=200`);
  const s = r.summary;
  const stat = (key, n, cls) => h('li', { class: `stat ${cls || ''}` }, h('span', { class: 'stat-n' }, String(n)), h('span', { class: 'stat-l' }, t(key)));
  page.append(h('p', {}, h('a', { href: '#/operator/models' }, t('op.back.models'))),
    h('p', { class: 'lead' }, t('op.preview.lead', { n: s.sites, v: r.model.version })),
    h('ul', { class: 'stats', id: 'preview-summary', 'aria-label': t('op.preview.summary') },
      stat('op.preview.up', s.up, 'ok'), stat('op.preview.down', s.down, 'bad'), stat('op.preview.unchanged', s.unchanged),
      stat('op.preview.grade_up', s.grade_up, 'ok'), stat('op.preview.grade_down', s.grade_down, 'bad')),
    h('p', {}, t('op.preview.mean', { d: `${s.mean_change > 0 ? '+' : ''}${fmtNumber(s.mean_change, 2)}` }),
      s.not_rescored ? [' ', t('op.preview.failed', { n: s.not_rescored })] : null));
  if (!r.sites.length) {
    page.append(h('p', { class: 'muted' }, t('op.preview.none')));
    return;
  }
  page.append(h('h2', {}, t('op.preview.sites')), h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'preview' },
    h('caption', { class: 'sr-only' }, t('op.preview.sites')),
    h('thead', {}, h('tr', {}, [t('op.preview.site'), t('op.preview.from'), t('op.preview.to'), t('op.preview.change'), t('op.preview.grade')].map((c, i) =>
      h('th', { scope: 'col', class: i >= 1 && i <= 3 ? 'num' : null }, c)))),
    h('tbody', {}, r.sites.map((x) => h('tr', {},
      h('th', { scope: 'row' }, x.url || x.site, h('div', { class: 'muted mono' }, x.site)),
      h('td', { class: 'num' }, `${fmtNumber(x.total_from, 2)} (${x.grade_from})`),
      h('td', { class: 'num' }, `${fmtNumber(x.total_to, 2)} (${x.grade_to})`),
      h('td', { class: 'num' }, x.change === null ? '—' : `${x.change > 0 ? '+' : ''}${fmtNumber(x.change, 2)}`),
      h('td', {}, moveChip(x.grade_move)))))))));
  if (r.truncated) page.append(h('p', { class: 'muted' }, t('op.preview.truncated', { n: r.sites.length })));
}
