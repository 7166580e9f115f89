// SPDX-License-Identifier: Apache-2.0
// The API's errors in the user's language. The envelope {"error":{code,message,field}} has a stable
// code and field (docs/openapi.yaml); the common ones are translated here (strings error.* in
// shared/strings/*.js): a key "error.CODE.FIELD" wins over "error.CODE". For codes whose server
// message holds the particulars (which rule a value broke, which proof failed), other languages get
// the translated sentence followed by the server's English words; English shows the server's own.
// An unknown code falls back to the server's English message.
import { currentLang, fmtDateTime, hasKey, t } from './i18n.js';

const DETAILED = new Set(['invalid', 'unknown_field', 'not_verified', 'unsupported']);

/** @p err (an ApiError, or any Error) as a sentence in the user's language. */
export function errorText(err) {
  if (!err) return '';
  if (err.name !== 'ApiError') return err.message; // the page's own words, already translated
  if (err.status === 0) return t('error.network');
  const b = err.body || {};
  if (err.code === 'rate_limited' && err.retryAfter) return t('error.rate_limited.wait', { s: err.retryAfter });
  if (err.code === 'review_locked' && b.locked_until) {
    return t('error.review_locked', { date: fmtDateTime(b.locked_until) });
  }
  if (err.code === 'unauthorized' && /^\/v1\/login\b/.test(err.path || '')) return t('error.unauthorized.login');
  if (err.code === 'upload_refused' && b.result && b.result.sensitive) return t('error.upload_refused.sensitive');
  const key = [`error.${err.code}.${err.field}`, `error.${err.code}`].find((k) => !k.endsWith('.') && hasKey(k));
  if (!key) return err.message;
  if (DETAILED.has(err.code) && key === `error.${err.code}`) {
    return currentLang() === 'en' ? err.message : `${t(key)} (${err.message})`;
  }
  return t(key);
}
