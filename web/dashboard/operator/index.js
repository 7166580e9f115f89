// SPDX-License-Identifier: Apache-2.0
// The operator console (an operator enterprise's session; accounts come from `cwtap accounts
// create --kind operator`): cycles and their threshold policies, model versions with the preview
// of how scores would move, and the audit log with its verification.
import { h } from '../shared/dom.js';
import { addStrings, t } from '../shared/i18n.js';
import { route } from '../shared/router.js';
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
  addNav('#/operator', 'nav.operator', 'always', 60); // before the exporter's Sign in / Sign up (80, 81)
}

export function homeCard() {
  return [h('h2', { class: 'card-title' }, h('a', { href: '#/operator' }, t('op.title'))), h('p', {}, t('op.card'))];
}
