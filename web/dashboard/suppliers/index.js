// SPDX-License-Identifier: Apache-2.0
// The public registry (what procurement portals show): the search of green suppliers and each
// supplier's verification page. No sign-in needed.
import { h } from '../shared/dom.js';
import { addStrings, t } from '../shared/i18n.js';
import { route } from '../shared/router.js';
import { addNav } from '../shared/shell.js';
import { registrySearch } from './search.js';
import strings from './strings.js';
import { registrySupplier } from './supplier.js';

export function register() {
  addStrings(strings);
  route('#/registry', registrySearch);
  route('#/registry/:site', registrySupplier);
  addNav('#/registry', 'nav.registry', 'always', 20);
}

export function homeCard() {
  return [h('h2', { class: 'card-title' }, h('a', { href: '#/registry' }, t('reg.title'))), h('p', {}, t('reg.card'))];
}
