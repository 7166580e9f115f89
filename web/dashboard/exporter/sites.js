// SPDX-License-Identifier: Apache-2.0
// The enterprise's sites (GET /v1/sites) with their ownership and mark state, and the form that
// registers a new one (POST /v1/sites), which then opens its set-up page.
import { get, post } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { field, onSubmit } from '../shared/forms.js';
import { t } from '../shared/i18n.js';
import { go } from '../shared/router.js';
import { requireSession } from './auth.js';
import { markChip } from './site_common.js';

export async function sitesPage(params, page) {
  if (!requireSession()) return;
  const { items } = await get('/v1/sites?limit=200');
  const marks = await Promise.all(items.map((s) => (s.verified ? get(`/v1/sites/${s.id}/mark`).catch(() => null) : null)));
  const form = h('form', { novalidate: true, 'aria-labelledby': 'add-h' },
    h('div', { class: 'form-alert', role: 'alert' }),
    field(t('exp.sites.domain'), { name: 'domain', required: true, autocomplete: 'url', placeholder: 'www.example.com', spellcheck: 'false' },
      t('exp.sites.domain.hint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('exp.sites.add.submit'))));
  onSubmit(form, async (d) => {
    const s = await post('/v1/sites', { domain: d.domain.trim() });
    go(`#/sites/${s.id}/setup`);
  });
  page.append(h('h1', {}, t('exp.sites.title')));
  if (items.length) {
    page.append(h('ul', { class: 'cards site-list' }, items.map((s, i) => h('li', {},
      h('h2', { class: 'card-title' }, h('a', { href: `#/sites/${s.id}` }, s.domain)),
      h('p', {}, s.verified ? h('span', { class: 'status ok' }, t('exp.own.verified'))
        : h('span', { class: 'status warn' }, t('exp.own.unverified')), ' ', marks[i] ? markChip(marks[i].state) : null),
      h('p', { class: 'muted mono' }, s.id),
      s.verified ? null : h('p', {}, h('a', { href: `#/sites/${s.id}/setup` }, t('exp.sites.continue')))))));
  } else {
    page.append(h('p', { class: 'lead' }, t('exp.sites.empty')));
  }
  page.append(h('section', { class: 'panel' }, h('h2', { id: 'add-h' }, t('exp.sites.add')), form));
}
