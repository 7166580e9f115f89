// SPDX-License-Identifier: Apache-2.0
// The operator console (an operator enterprise's session; accounts come from `cwtap accounts
// create --kind operator`): cycles and their threshold policies, model versions with the preview
// of how scores would move, and the audit log with its verification.
import { h } from '../shared/dom.js';
import { addStrings, t } from '../shared/i18n.js';
import { route } from '../shared/router.js';
import { isOperator, session } from '../shared/session.js';
import { addNav } from '../shared/shell.js';
import { cyclePage, cyclesPage } from './cycles.js';
import { logPage } from './log.js';
import { modelsPage, previewPage } from './models.js';
import strings from './strings.js';

export function register() {
  addStrings(strings);
  route('#/operator', cyclesPage);
  route('#/operator/cycles/:id', cyclePage);
  route('#/operator/models', modelsPage);
  route('#/operator/models/:version', previewPage);
  route('#/operator/log', logPage);
  addNav('#/operator', 'nav.operator', isOperator, 60); // operators only (the API refuses others: 403)
}

/** The start page's card: only for a signed-in operator (others cannot use the console). */
export function homeCard() {
  if (!isOperator(session.me)) return null;
  return [h('h2', { class: 'card-title' }, h('a', { href: '#/operator' }, t('op.title'))), h('p', {}, t('op.card'))];
}
