// SPDX-License-Identifier: Apache-2.0
// What every page of the operator console shares: the gate (an operator's session: a sign-in form
// when signed out, a refusal for other kinds of account), the console's own navigation, and the
// conversion between the API's UTC times and <input type=datetime-local> values (read as UTC).
import { h } from '../shared/dom.js';
import { field } from '../shared/forms.js';
import { hasKey, t } from '../shared/i18n.js';
import { render } from '../shared/router.js';
import { homeOf, session } from '../shared/session.js';
import { signinForm } from '../shared/signin.js';

const TABS = [['#/operator', 'op.tab.cycles'], ['#/operator/models', 'op.tab.models'], ['#/operator/log', 'op.tab.log']];

function signinPage(page) {
  const form = signinForm('op-signin-h',
    { email: 'op.signin.email', password: 'op.signin.password', submit: 'op.signin.submit' }, render);
  page.append(h('h1', { id: 'op-signin-h' }, t('op.signin.title')), h('p', { class: 'lead' }, t('op.signin.lead')), form);
}

/** The account's enterprise kind in words (the API's word when there are none for it). */
function kindWord(me) {
  const k = me.enterprise ? me.enterprise.kind : '?';
  return hasKey(`op.kind.${k}`) ? t(`op.kind.${k}`) : k;
}

/**
 * True when an operator is signed in: then the page starts with the console's title and tabs.
 * Otherwise fills @p page with the sign-in form or the refusal and returns false.
 */
export function operatorPage(page, here, title) {
  const me = session.me;
  if (!me || !me.user) {
    signinPage(page);
    return false;
  }
  if (!me.enterprise || me.enterprise.kind !== 'operator') {
    // A clear refusal (the API answers 403 too), not the console with every call failing.
    page.append(h('h1', { class: 'denied' }, t('op.denied.title')),
      h('p', { class: 'lead', dataset: { denied: 'operator' } }, t('op.refused', { kind: kindWord(me) })),
      h('p', {}, h('a', { class: 'button', href: homeOf(me) }, t('op.denied.back'))));
    return false;
  }
  page.append(h('p', { class: 'muted op-kicker' }, t('op.title')), h('h1', {}, title),
    h('nav', { 'aria-label': t('op.tabs'), class: 'op-tabs' }, h('ul', {}, TABS.map(([href, key]) =>
      h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : null }, t(key)))))));
  return true;
}

/** "2026-07-01T00:00:00Z" -> "2026-07-01T00:00:00" for a datetime-local input holding UTC. */
export function isoToLocalInput(iso) {
  return iso ? iso.replace(/Z$/, '').slice(0, 19) : '';
}

/** The value of a datetime-local input (UTC) as the API's "YYYY-MM-DDTHH:MM:SSZ". */
export function localInputToIso(v) {
  if (!v) return '';
  return `${v.length === 16 ? `${v}:00` : v.slice(0, 19)}Z`;
}

/** A labelled UTC date-time input. */
export function timeField(label, name, iso, hint) {
  return field(label, { name, type: 'datetime-local', step: 1, value: isoToLocalInput(iso), required: true }, hint);
}
