// SPDX-License-Identifier: Apache-2.0
// The app shell around the routed page: the navigation (each view adds its links with addNav),
// the language switcher, and who is signed in (with a "Sign out" button) from shared/session.js.
import { h, replace } from './dom.js';
import { applyStatic, languageSwitcher, onLangChange, t } from './i18n.js';
import { session, onSession, signOut } from './session.js';

const links = []; // {href, key, when: 'always' | 'signed-in' | 'signed-out' | (me) => bool, order}

/** True when link @p l is for @p me (GET /v1/me's answer, null when signed out). */
function shown(l, me) {
  if (typeof l.when === 'function') return !!l.when(me);
  return l.when === 'always' || (l.when === 'signed-in') === !!me;
}

/**
 * Adds a navigation link: @p key is an i18n key, @p when says for whom it shows: 'always',
 * 'signed-in', 'signed-out', or a function of the account (e.g. only operators).
 */
export function addNav(href, key, when = 'always', order = 50) {
  links.push({ href, key, when, order });
  links.sort((a, b) => a.order - b.order);
  renderNav();
}

function renderNav() {
  const list = document.getElementById('nav-list');
  if (!list) return;
  const here = location.hash || '#/';
  replace(list, links.filter((l) => shown(l, session.me)).map((l) =>
    h('li', {}, h('a', { href: l.href, 'aria-current': here === l.href || here.startsWith(`${l.href}/`) ? 'page' : null }, t(l.key)))));
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('shell.nav'));
  const who = document.getElementById('who');
  if (session.me && session.me.user) {
    replace(who, h('span', { class: 'who-email' }, session.me.user.email), ' ',
      h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => signOut().then(() => { location.hash = '#/signin'; }) },
        t('shell.signout')));
  } else {
    who.replaceChildren();
  }
}

/** Sets up the shell once: the language switcher, static strings, and re-renders on changes. */
export function initShell(rerender) {
  languageSwitcher(document.getElementById('lang'));
  applyStatic(document);
  onLangChange(() => { renderNav(); rerender(); });
  onSession(renderNav);
  document.addEventListener('cwtap:rendered', renderNav);
  document.getElementById('skip').addEventListener('click', (e) => {
    e.preventDefault(); // the hash is the router's: move the focus instead of navigating
    document.getElementById('main').focus();
  });
}
