// SPDX-License-Identifier: Apache-2.0
// The audit log (GET /v1/operator/log): the hash-chained log of mark changes, newest first, a page
// at a time, under the verdict of verifying the whole chain: intact (with its head hash), or
// broken at a named entry, every entry from it on flagged.
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { fmtDateTime, t } from '../shared/i18n.js';
import { stackable } from '../shared/table.js';
import { operatorPage } from './common.js';

const short = (hash) => (hash ? `${hash.slice(0, 12)}…` : '');

export async function logPage(params, page, query) {
  if (!operatorPage(page, '#/operator/log', t('op.log.title'))) return;
  const cursor = query.get('cursor') || '';
  const r = await get(`/v1/operator/log?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  const v = r.verification;
  page.append(h('section', { class: `panel verdict ${v.ok ? 'verdict-ok' : 'verdict-bad'}`, id: 'verdict', 'aria-labelledby': 'verdict-h' },
    h('h2', { id: 'verdict-h' }, h('span', { class: `status ${v.ok ? 'ok' : 'bad'}` }, v.ok ? t('op.log.ok') : t('op.log.broken'))),
    h('p', {}, v.ok ? t('op.log.ok.detail', { n: v.checked }) : t('op.log.broken.detail', { seq: v.first_bad_seq, pos: v.first_bad_position })),
    h('p', { class: 'muted' }, v.message),
    h('p', {}, t('op.log.head'), ' ', h('code', { class: 'mono' }, v.head))));
  page.append(h('p', {}, t('op.log.total', { n: r.total })));
  if (!r.items.length) {
    page.append(h('p', { class: 'muted' }, t('op.log.empty')));
  } else {
    page.append(h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'log' },
      h('caption', { class: 'sr-only' }, t('op.log.title')),
      h('thead', {}, h('tr', {}, [t('op.log.seq'), t('op.log.at'), t('op.log.site'), t('op.log.change'), t('op.log.reason'), t('op.log.hash')].map((c) =>
        h('th', { scope: 'col' }, c)))),
      h('tbody', {}, r.items.map((e) => h('tr', { class: e.after_break ? 'row-bad' : null },
        h('th', { scope: 'row', class: 'num' }, String(e.seq), e.after_break ? h('span', { class: 'status bad suspect' }, t('op.log.suspect')) : null),
        h('td', {}, fmtDateTime(e.at_iso)),
        h('td', { class: 'mono' }, e.site),
        h('td', {}, `${e.from} → ${e.to}`),
        h('td', {}, e.reason),
        h('td', { class: 'mono nowrap', title: e.hash }, short(e.hash)))))))));
  }
  const nav = h('nav', { class: 'pager actions', 'aria-label': t('op.log.pages') });
  if (cursor) nav.append(h('a', { href: '#/operator/log', class: 'button secondary' }, t('op.log.newest')));
  if (r.next_cursor) nav.append(h('a', { href: `#/operator/log?cursor=${encodeURIComponent(r.next_cursor)}`, class: 'button', rel: 'next' }, t('op.log.older')));
  if (nav.children.length) page.append(nav);
}
