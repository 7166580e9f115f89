// SPDX-License-Identifier: Apache-2.0
// A supplier's verification page (GET /v1/registry/{site}): the mark and since when, grade and
// score, the three module scores, and the signed attestation (GET /v1/registry/{site}/attestation)
// to download as a JSON file that anyone checks offline against /.well-known/cwtap-keys.json
// (`cwtap verify`). The server's /registry/{site} is the badge's no-JavaScript summary of the same
// registry entry and links here (docs/internals/dashboard.md).
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { errorText } from '../shared/errors.js';
import { fmtDate, fmtDateTime, fmtNumber, t } from '../shared/i18n.js';

const MODULES = ['basic', 'operational', 'content'];

/** A module score as a labelled bar (a <meter>: its value is read out, and the number is in text). */
function moduleRow(name, value) {
  const id = `mod-${name}`;
  const has = typeof value === 'number';
  if (!has) {
    return h('div', { class: 'module-row' }, h('span', { class: 'module-name' }, t(`reg.module.${name}`)),
      h('span', { class: 'muted module-none' }, t('reg.module.none')));
  }
  return h('div', { class: 'module-row' },
    h('label', { for: id }, t(`reg.module.${name}`)),
    h('meter', { id, min: 0, max: 100, low: 55, high: 70, optimum: 100, value }),
    h('span', { class: 'num' }, fmtNumber(value)));
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name, class: 'sr-only' }, name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function attestationPanel(s) {
  const status = h('p', { role: 'status', class: 'muted', id: 'att-status' });
  const btn = h('button', { type: 'button', id: 'att-download' }, t('reg.att.download'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const a = await get(`/v1/registry/${encodeURIComponent(s.site_id)}/attestation`);
      const doc = { site_id: s.site_id, domain: s.domain, token: a.token, kid: a.kid, expires: a.expires,
        keys: new URL(a.keys, location.origin).href };
      download(`${s.domain}-attestation.json`, `${JSON.stringify(doc, null, 2)}\n`);
      status.textContent = t('reg.att.done', { expires: fmtDateTime(a.expires) });
    } catch (e) {
      status.textContent = errorText(e);
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'att-h' },
    h('h2', { id: 'att-h' }, t('reg.att.title')),
    h('p', {}, t('reg.att.lead')),
    h('div', { class: 'actions' }, btn,
      h('a', { href: '/.well-known/cwtap-keys.json', class: 'button secondary' }, t('reg.att.keys'))),
    status,
    h('p', { class: 'hint' }, t('reg.att.verify'), ' ', h('code', {}, 'cwtap verify TOKEN --keys cwtap-keys.json')));
}

export async function registrySupplier(params, page) {
  let s;
  try {
    s = await get(`/v1/registry/${encodeURIComponent(params.site)}`);
  } catch (e) {
    if (e.status !== 404) throw e;
    page.append(h('h1', {}, t('reg.notfound.title')), h('p', {}, t('reg.notfound')),
      h('p', {}, h('a', { href: '#/registry' }, t('reg.back'))));
    return;
  }
  const green = s.mark === 'green';
  page.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/registry' }, t('reg.back'))),
    h('h1', {}, s.domain),
    h('p', { class: 'lead' }, s.enterprise),
    h('section', { class: 'panel', 'aria-labelledby': 'mark-h' },
      h('h2', { id: 'mark-h' }, t('reg.mark.title')),
      h('p', {}, h('span', { class: `status ${green ? 'ok' : 'bad'}`, id: 'mark-state' },
        green ? t('reg.mark.green') : t('reg.mark.none'))),
      h('dl', { class: 'facts' },
        green ? [h('dt', {}, t('reg.mark.since')), h('dd', { id: 'mark-since' }, fmtDate(s.green_since))] : null,
        h('dt', {}, t('reg.col.grade')), h('dd', { id: 'grade' }, s.grade || '—'),
        h('dt', {}, t('reg.col.score')), h('dd', {}, fmtNumber(s.score)),
        h('dt', {}, t('reg.threshold')), h('dd', {}, fmtNumber(s.threshold)),
        h('dt', {}, t('reg.col.country')), h('dd', {}, s.country || '—'),
        h('dt', {}, t('reg.col.industry')), h('dd', {}, s.industry || '—'),
        h('dt', {}, t('reg.last')), h('dd', {}, fmtDateTime(s.last_evaluation)))),
    h('section', { class: 'panel', 'aria-labelledby': 'mod-h' },
      h('h2', { id: 'mod-h' }, t('reg.modules')),
      MODULES.map((m) => moduleRow(m, s.modules ? s.modules[m] : null))),
    green ? attestationPanel(s) : h('p', { class: 'muted' }, t('reg.att.none')),
    h('p', { class: 'muted' }, h('a', { href: `/registry/${encodeURIComponent(s.site_id)}` }, t('reg.plain'))));
}
