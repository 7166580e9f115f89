// SPDX-License-Identifier: Apache-2.0
// The public registry's search (GET /v1/registry): green suppliers filtered by country, industry
// and grade, one page at a time (keyset pagination: the answer's next_cursor). The filters and the
// cursor live in the hash ("#/registry?country=CN&grade=A&cursor=..."), so a search is a link.
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { field } from '../shared/forms.js';
import { fmtDate, fmtNumber, t } from '../shared/i18n.js';
import { go } from '../shared/router.js';
import { stackable } from '../shared/table.js';

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'];
const PAGE = 20;

/** The hash of a search: @p f holds country, industry, grade, cursor (empty ones are left out). */
export function searchHash(f) {
  const q = new URLSearchParams();
  for (const k of ['country', 'industry', 'grade', 'cursor']) if (f[k]) q.set(k, f[k]);
  const s = q.toString();
  return s ? `#/registry?${s}` : '#/registry';
}

function filterForm(f) {
  const grade = h('select', { name: 'grade', id: 'reg-grade' },
    h('option', { value: '' }, t('reg.filter.any')),
    GRADES.map((g) => h('option', { value: g }, g)));
  grade.value = f.grade || '';
  const form = h('form', { class: 'reg-filters', role: 'search', 'aria-label': t('reg.filter.label') },
    field(t('reg.filter.country'), { name: 'country', value: f.country || '', maxlength: 2, autocomplete: 'country',
      placeholder: 'CN', spellcheck: 'false' }, t('reg.filter.country.hint')),
    field(t('reg.filter.industry'), { name: 'industry', value: f.industry || '', maxlength: 64, placeholder: 'valves' }),
    h('div', { class: 'field' }, h('label', { for: 'reg-grade' }, t('reg.filter.grade')), grade),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('reg.filter.submit')),
      h('a', { href: '#/registry', class: 'button secondary' }, t('reg.filter.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = Object.fromEntries(new FormData(form));
    go(searchHash({ country: d.country.trim().toUpperCase(), industry: d.industry.trim(), grade: d.grade }));
  });
  return form;
}

function resultRow(s) {
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/registry/${encodeURIComponent(s.site_id)}` }, s.domain),
      h('div', { class: 'muted' }, s.enterprise)),
    h('td', {}, s.country || '—'),
    h('td', {}, s.industry || '—'),
    h('td', {}, s.grade ? h('span', { class: `grade grade-${s.grade}` }, s.grade) : '—'),
    h('td', { class: 'num' }, fmtNumber(s.score)),
    h('td', {}, fmtDate(s.green_since)));
}

export async function registrySearch(params, page, query) {
  const f = Object.fromEntries(['country', 'industry', 'grade', 'cursor'].map((k) => [k, query.get(k) || '']));
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of ['country', 'industry', 'grade', 'cursor']) if (f[k]) q.set(k, f[k]);
  const res = await get(`/v1/registry?${q}`);
  page.append(h('h1', {}, t('reg.title')), h('p', { class: 'lead' }, t('reg.lead')),
    h('section', { class: 'panel' }, filterForm(f)));
  const status = h('p', { role: 'status', class: 'reg-count' },
    res.items.length ? t(f.cursor ? 'reg.count.more' : 'reg.count', { n: res.items.length }) : t('reg.empty'));
  page.append(status);
  if (res.items.length) {
    page.append(h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'reg-table' },
      h('caption', { class: 'sr-only' }, t('reg.table.caption')),
      h('thead', {}, h('tr', {}, [t('reg.col.supplier'), t('reg.col.country'), t('reg.col.industry'),
        t('reg.col.grade'), t('reg.col.score'), t('reg.col.since')].map((c, i) =>
        h('th', { scope: 'col', class: i === 4 ? 'num' : null }, c)))),
      h('tbody', {}, res.items.map(resultRow))))));
  }
  const nav = h('nav', { class: 'pager actions', 'aria-label': t('reg.pager') });
  if (f.cursor) nav.append(h('a', { href: searchHash({ ...f, cursor: '' }), class: 'button secondary' }, t('reg.first')));
  if (res.next_cursor) nav.append(h('a', { href: searchHash({ ...f, cursor: res.next_cursor }), class: 'button', rel: 'next' }, t('reg.next')));
  if (nav.children.length) page.append(nav);
}
