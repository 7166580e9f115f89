// SPDX-License-Identifier: Apache-2.0
// Strings and formats in the user's language: en, zh (Simplified Chinese), th and vi. The language
// is ?lang= when given, else the first of navigator.languages we have, else English; the switcher
// (languageSwitcher) changes ?lang= and re-renders. Tables are plain objects keyed by dotted names;
// the shared ones are in shared/strings/*.js and each view adds its own with addStrings() so views
// never edit the same file. t('key', {n: 3}) fills {n}; a key missing in a language falls back to
// English, and a key missing in English shows as the key itself (tests look for that).
import en from './strings/en.js';
import zh from './strings/zh.js';
import th from './strings/th.js';
import vi from './strings/vi.js';

export const LANGS = { en: 'English', zh: '中文', th: 'ไทย', vi: 'Tiếng Việt' };
const tables = { en: { ...en }, zh: { ...zh }, th: { ...th }, vi: { ...vi } };
const changeListeners = new Set();

/** The language to use for @p search (location.search) and @p prefs (navigator.languages). */
export function pickLang(search, prefs) {
  const q = new URLSearchParams(search).get('lang');
  if (q && tables[q]) return q;
  for (const p of prefs || []) {
    const base = String(p).toLowerCase().split('-')[0];
    if (tables[base]) return base;
  }
  return 'en';
}

let lang = pickLang(location.search, navigator.languages || [navigator.language]);

export function currentLang() {
  return lang;
}

/** Merges a view's strings: addStrings({en: {...}, zh: {...}, ...}). */
export function addStrings(byLang) {
  for (const [l, table] of Object.entries(byLang)) {
    if (!tables[l]) throw new Error(`i18n: unknown language '${l}'`);
    Object.assign(tables[l], table);
  }
}

/** The string @p key in the current language with {name} placeholders filled from @p vars. */
export function t(key, vars) {
  let s = tables[lang][key] ?? tables.en[key];
  if (s === undefined) {
    console.warn(`i18n: no string '${key}'`);
    return key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

/** True when @p key has a string (in English, the reference). */
export function hasKey(key) {
  return key in tables.en;
}

/** The keys of English missing from @p l (tests and docs check every table is complete). */
export function missingKeys(l) {
  return Object.keys(tables.en).filter((k) => !(k in tables[l]));
}

const locales = { en: 'en-GB', zh: 'zh-CN', th: 'th-TH', vi: 'vi-VN' };
/** A date-time in the current language (UTC shown, so every user reads the same deadline). */
export function fmtDateTime(iso) {
  if (!iso) return '—';
  // (dateStyle cannot be combined with timeZoneName: the zone is written out.)
  return `${new Intl.DateTimeFormat(locales[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
    .format(new Date(iso))} UTC`;
}
/** A calendar date in the current language (UTC). */
export function fmtDate(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}
/** A number with at most @p digits decimals. */
export function fmtNumber(n, digits = 1) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locales[lang], { maximumFractionDigits: digits }).format(n);
}

/** Calls @p fn(lang) after the language changes. */
export function onLangChange(fn) {
  changeListeners.add(fn);
  return () => changeListeners.delete(fn);
}

/** Sets the language (keeps the hash route), updates <html lang> and the [data-i18n] nodes. */
export function setLang(l) {
  if (!tables[l]) return;
  lang = l;
  const u = new URL(location.href);
  u.searchParams.set('lang', l);
  history.replaceState(history.state, '', u);
  applyStatic(document);
  for (const fn of changeListeners) fn(l);
}

/** Translates the text of every [data-i18n="key"] element under @p root and sets <html lang>. */
export function applyStatic(root) {
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

/** A labelled <select> of the languages that calls setLang. */
export function languageSwitcher(select) {
  select.replaceChildren(...Object.entries(LANGS).map(([code, name]) => {
    const o = document.createElement('option');
    o.value = code;
    o.lang = code === 'zh' ? 'zh-Hans' : code;
    o.textContent = name;
    return o;
  }));
  select.value = lang;
  select.addEventListener('change', () => setLang(select.value));
}
