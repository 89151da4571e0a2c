// SPDX-License-Identifier: Apache-2.0
// The page's words. English is in lang/en.js; a translation is one more file
// there (lang/nb.js, say, with the keys it translates), picked by the
// browser's language. Missing keys fall back to English.
import en from './lang/en.js';

let words = en;

export async function loadLanguage() {
  const lang = (navigator.language || 'en').slice(0, 2).toLowerCase();
  if (lang !== 'en' && /^[a-z]{2}$/.test(lang)) {
    try {
      words = { ...en, ...(await import(`./lang/${lang}.js`)).default };
      document.documentElement.lang = lang;
    } catch {
      words = en;  // no translation for this language: English
    }
  }
}

// The text of `key`; entries that are functions take `args`.
export function t(key, ...args) {
  const value = words[key] ?? en[key];
  if (value === undefined) return key;
  return typeof value === 'function' ? value(...args) : value;
}
