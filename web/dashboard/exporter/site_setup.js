// SPDX-License-Identifier: Apache-2.0
// Set-up of one site: the three ownership proofs (DNS TXT record, <meta> tag, /.well-known file),
// each value with a Copy button and a Verify button that shows the server's answer; the SDK
// snippet and the steps for WordPress, Shopify, Magento and plain HTML (the texts POST /v1/sites
// returns, docs/integrations/); and the request for an evaluation once the site is verified.
import { get, post } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { errorText } from '../shared/errors.js';
import { copyable } from '../shared/forms.js';
import { fmtDateTime, t } from '../shared/i18n.js';
import { refresh } from '../shared/router.js';
import { requireSession } from './auth.js';
import { siteHeader, watchPending } from './site_common.js';

/** A button that runs @p action and shows its outcome (or the server's error) in a live region. */
export function actionButton(label, action, opts = {}) {
  const out = h('div', { class: 'action-result', role: 'status', 'aria-live': 'polite' });
  const btn = h('button', {
    type: 'button', class: opts.secondary ? 'secondary' : null, id: opts.id,
    onclick: async () => {
      btn.disabled = true;
      out.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
      try {
        const msg = await action();
        out.replaceChildren(h('p', { class: 'ok-text' }, msg));
        if (opts.then) setTimeout(opts.then, opts.thenDelay || 0);
      } catch (e) {
        out.replaceChildren(h('p', { class: 'field-error' }, errorText(e)));
      } finally {
        btn.disabled = false;
      }
    },
  }, label);
  return h('div', { class: 'action' }, btn, out);
}

function proof(site, method, title, steps, values) {
  return h('section', { class: 'panel proof', 'aria-labelledby': `proof-${method}` },
    h('h3', { id: `proof-${method}` }, title),
    h('p', {}, steps),
    values,
    actionButton(t('exp.own.verify'), async () => {
      const s = await post(`/v1/sites/${site.id}/verify`, { method });
      return t('exp.own.verified.at', { when: fmtDateTime(s.verified_at), method: s.verify_method });
    }, { id: `verify-${method}`, then: refresh, thenDelay: 1200 }));
}

export async function setupPage({ id }, page) {
  if (!requireSession()) return;
  const site = await get(`/v1/sites/${id}`);
  const mark = site.verified ? await get(`/v1/sites/${id}/mark`).catch(() => null) : null;
  const v = site.verification;
  page.append(...siteHeader(site, 'setup', mark));

  // ---- 1. ownership ----
  const own = h('section', { 'aria-labelledby': 'own-h' }, h('h2', { id: 'own-h' }, t('exp.own.title')));
  if (site.verified) {
    own.append(h('p', {}, h('span', { class: 'status ok' }, t('exp.own.verified')), ' ',
      t('exp.own.verified.at', { when: fmtDateTime(site.verified_at), method: site.verify_method })));
  } else {
    own.append(h('p', { class: 'lead' }, t('exp.own.lead')),
      proof(site, 'dns', t('exp.own.dns'), t('exp.own.dns.steps'), [
        copyable(t('exp.own.dns.name'), v.dns.name), copyable(t('exp.own.dns.value'), v.dns.value)]),
      proof(site, 'meta', t('exp.own.meta'), t('exp.own.meta.steps'), [copyable(t('exp.own.meta.tag'), v.meta)]),
      proof(site, 'well-known', t('exp.own.file'), t('exp.own.file.steps'), [
        copyable(t('exp.own.file.url'), v.well_known.url), copyable(t('exp.own.file.content'), v.well_known.content)]));
  }
  page.append(own);

  // ---- 2. the SDK ----
  const cms = [['html', t('exp.sdk.html')], ['wordpress', 'WordPress'], ['shopify', 'Shopify'], ['magento', 'Magento']];
  page.append(h('section', { 'aria-labelledby': 'sdk-h' }, h('h2', { id: 'sdk-h' }, t('exp.sdk.title')),
    h('p', {}, t('exp.sdk.lead')),
    copyable(t('exp.sdk.snippet'), site.sdk.html, { multiline: true, rows: 3 }),
    h('p', { class: 'hint' }, t('exp.sdk.slot')),
    h('div', { class: 'cms-grid' }, cms.map(([k, name]) => h('section', { class: 'panel cms', 'aria-labelledby': `cms-${k}` },
      h('h3', { id: `cms-${k}` }, name),
      h('p', {}, k === 'html' || site.sdk.server ? t(`exp.sdk.${k}.steps`, { site: site.id, server: site.sdk.server })
        : site.sdk[k]))))));

  // ---- 3. the first evaluation ----
  if (site.verified) {
    page.append(h('section', { 'aria-labelledby': 'eval-h' }, h('h2', { id: 'eval-h' }, t('exp.eval.request.title')),
      h('p', {}, t('exp.eval.request.lead')),
      actionButton(t('exp.eval.request'), async () => {
        const r = await post(`/v1/sites/${id}/evaluations`);
        return r.queued ? t('exp.eval.queued') : t('exp.eval.already');
      }, { id: 'request-eval', then: refresh, thenDelay: 1500 }),
      h('p', {}, h('a', { href: `#/sites/${id}` }, t('exp.eval.see')))));
  }
  watchPending(page, site);
}
