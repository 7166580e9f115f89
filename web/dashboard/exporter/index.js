// SPDX-License-Identifier: Apache-2.0
// The exporter view: sign-up and sign-in, the enterprise's sites, and for each site its overview
// (mark, pool, evaluation, history, review), set-up (ownership proofs, SDK), report (signals,
// evidence, fixes) and uploads. register() adds the routes, links and strings.
import { h } from '../shared/dom.js';
import { addStrings, t } from '../shared/i18n.js';
import { route } from '../shared/router.js';
import { isExporter, session } from '../shared/session.js';
import { addNav } from '../shared/shell.js';
import { signinPage, signupPage } from './auth.js';
import { overviewPage } from './site_overview.js';
import { reportPage } from './site_report.js';
import { setupPage } from './site_setup.js';
import { uploadsPage } from './site_uploads.js';
import { sitesPage } from './sites.js';
import en from './strings_en.js';
import th from './strings_th.js';
import vi from './strings_vi.js';
import zh from './strings_zh.js';

export function register() {
  addStrings({ en, zh, th, vi });
  route('#/signup', signupPage);
  route('#/signin', signinPage);
  route('#/sites', sitesPage);
  route('#/sites/:id', overviewPage);
  route('#/sites/:id/setup', setupPage);
  route('#/sites/:id/report', reportPage);
  route('#/sites/:id/uploads', uploadsPage);
  addNav('#/sites', 'exp.nav.sites', isExporter, 10);
  addNav('#/signin', 'exp.nav.signin', 'signed-out', 80);
  addNav('#/signup', 'exp.nav.signup', 'signed-out', 81);
}

/** The start page's card: sign up or in when signed out, the site list for an exporter. */
export function homeCard() {
  if (session.me) {
    return isExporter() ? h('div', {}, h('h2', { class: 'card-title' }, t('exp.home.title')), h('p', {}, t('exp.home.lead')),
      h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/sites' }, t('exp.nav.sites')))) : null;
  }
  return h('div', {}, h('h2', { class: 'card-title' }, t('exp.home.title')), h('p', {}, t('exp.home.lead')),
    h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/signup' }, t('exp.home.start')),
      h('a', { class: 'button secondary', href: '#/signin' }, t('exp.nav.signin'))));
}
