// SPDX-License-Identifier: Apache-2.0
// The dashboard's entry point: the shell, the views' routes, then the router. Each view is a module
// with register() that adds its routes (shared/router.js), navigation links (shared/shell.js) and
// strings (shared/i18n.js addStrings). One view per line (branches add lines here).
import { h } from './shared/dom.js';
import { t } from './shared/i18n.js';
import { fallback, refresh, route, start } from './shared/router.js';
import { refresh as whoAmI } from './shared/session.js';
import { addNav, initShell } from './shared/shell.js';
import * as exporter from './exporter/index.js';
import * as registry from './suppliers/index.js';
import * as operator from './operator/index.js';

const views = [
  exporter,
  registry,
  operator,
];

route('#/', async (params, page) => {
  page.append(h('h1', {}, t('home.title')), h('p', { class: 'lead' }, t('home.lead')));
  const ul = h('ul', { class: 'cards' });
  for (const v of views) {
    const card = v.homeCard && v.homeCard(); // null: not for this account
    if (card) ul.append(h('li', {}, card));
  }
  if (ul.children.length) page.append(ul);
});
fallback(async (params, page) => {
  page.append(h('h1', {}, t('error.notfound.title')), h('p', {}, t('error.notfound')),
    h('p', {}, h('a', { href: '#/' }, t('home.back'))));
});
addNav('#/', 'nav.home', 'always', 0);
for (const v of views) v.register();
initShell(refresh);
await whoAmI().catch(() => null);
await start(document.getElementById('main'));
