// SPDX-License-Identifier: Apache-2.0
// Signed out: the sign-in form. Signed in: what this session may do.
import { h, field, fieldError, replace } from '../dom.js';
import { decodeJwt } from '../jwt.js';
import { canProvide, canRead, session, signInWithKey, signInWithToken } from '../session.js';
import { t } from '../text.js';
import { announce, busy, errorBox } from '../ui.js';

function keyForm(ctx) {
  const clientId = h('input', { type: 'text', name: 'client_id', id: 'signin-client-id', autocomplete: 'off', spellcheck: 'false' });
  const file = h('input', { type: 'file', name: 'key_file', id: 'signin-key-file', accept: '.pem,.json,.jwk,.key,text/plain' });
  const text = h('textarea', { name: 'key_text', id: 'signin-key-text', spellcheck: 'false', autocomplete: 'off' });
  const problem = h('div', { id: 'signin-error' });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('signin.submit'));
  const form = h('form', { id: 'signin-key', novalidate: true },
    field(t('signin.client_id'), clientId, t('signin.client_id_hint')),
    field(t('signin.key_file'), file, t('signin.key_file_hint')),
    field(t('signin.key_text'), text),
    h('div', { class: 'actions' }, submit),
    problem);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fieldError(clientId, clientId.value.trim() ? null : t('signin.need_id'));
    const keyText = file.files[0] ? await file.files[0].text() : text.value;
    fieldError(text, keyText.trim() ? null : t('signin.need_key'));
    if (!clientId.value.trim() || !keyText.trim()) return;
    replace(problem);
    announce(t('signin.working'), '');
    await busy(submit, async () => {
      try {
        const s = await signInWithKey(clientId.value, keyText);
        text.value = '';
        file.value = '';
        announce(t('signin.done', s.org || '?'));
        ctx.render();
      } catch (e) {
        announce(t('signin.refused'), 'error');
        replace(problem, errorBox(e, t('signin.refused')));
      }
    });
  });
  return form;
}

function tokenForm(ctx) {
  const token = h('textarea', { name: 'token', id: 'signin-token-text', spellcheck: 'false', autocomplete: 'off' });
  const form = h('form', { id: 'signin-token', novalidate: true },
    field(t('signin.token'), token, t('signin.token_hint')),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, t('signin.token_submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!token.value.trim()) {
      fieldError(token, t('signin.need_token'));
      return;
    }
    try {
      decodeJwt(token.value);
    } catch {
      fieldError(token, t('signin.bad_token'));
      return;
    }
    const s = signInWithToken(token.value);
    token.value = '';
    announce(t('signin.done', s.org || '?'));
    ctx.render();
  });
  return form;
}

function signIn(ctx) {
  const panels = { key: keyForm(ctx), token: tokenForm(ctx) };
  const tabs = {};
  const body = h('div', { role: 'tabpanel' });
  const show = (which) => {
    for (const [name, tab] of Object.entries(tabs)) tab.setAttribute('aria-selected', String(name === which));
    replace(body, panels[which]);
  };
  tabs.key = h('button', { role: 'tab', type: 'button', id: 'tab-key', onclick: () => show('key') }, t('signin.key_tab'));
  tabs.token = h('button', { role: 'tab', type: 'button', id: 'tab-token', onclick: () => show('token') }, t('signin.token_tab'));
  show('key');
  return h('section', { class: 'signin' },
    h('h1', {}, t('signin.title')),
    h('p', { class: 'lead' }, t('signin.lead')),
    h('div', { class: 'tabs', role: 'tablist' }, tabs.key, tabs.token),
    body,
    h('p', { class: 'muted' }, t('signin.server'), ' ', h('a', { href: '#/server', id: 'server-link' }, t('nav.server'))));
}

export async function render(_, ctx) {
  if (!session()) return signIn(ctx);
  const cards = [];
  if (canProvide()) {
    cards.push(h('div', { class: 'card' }, h('h2', {}, t('home.provider')), h('p', {}, t('home.provider_text')),
      h('a', { class: 'button', href: '#/scopes' }, t('nav.scopes'))));
  }
  if (canRead()) {
    cards.push(h('div', { class: 'card' }, h('h2', {}, t('home.consumer')), h('p', {}, t('home.consumer_text')),
      h('a', { class: 'button', href: '#/clients' }, t('nav.clients'))));
    cards.push(h('div', { class: 'card' }, h('h2', {}, t('home.systems')), h('p', {}, t('home.systems_text')),
      h('a', { class: 'button', href: '#/systems' }, t('nav.systems'))));
  }
  return h('section', {},
    h('h1', {}, t('home.title')),
    cards.length ? h('div', { class: 'cards' }, cards) : h('p', {}, t('home.none')));
}
