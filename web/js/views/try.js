// SPDX-License-Identifier: Apache-2.0
// Trying a client: a grant signed here with a private key the person picks
// (read into memory, never sent or stored), exchanged at the public token
// endpoint, and the answer shown with the access token decoded.
import { ApiError, exchangeGrant, serverMetadata } from '../api.js';
import { h, field, fieldError, replace } from '../dom.js';
import { decodeJwt, randomId, signJwt } from '../jwt.js';
import { readPrivateKey } from '../keys.js';
import { SessionExpired, call } from '../session.js';
import { t } from '../text.js';
import { announce, busy, errorBox } from '../ui.js';

const pretty = (value) => JSON.stringify(value, null, 2);

// Checkboxes in `holder` for the scopes of `client`, all checked.
function scopeBoxes(holder, client) {
  const boxes = client.scopes.map((name, i) => h('input', { type: 'checkbox', name: 'scope', value: name,
    id: `try-scope-${i}`, checked: true }));
  replace(holder, boxes.length
    ? boxes.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id, class: 'mono' }, box.value)))
    : h('p', {}, t('try.no_scopes')));
  return boxes;
}

async function grantFor(client, key, scopes) {
  const { issuer } = await serverMetadata();
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, {
    iss: client.client_id, aud: issuer, iat: now, exp: now + 60, jti: randomId(), scope: scopes.join(' '),
  });
}

// The token response, and the access token's header and claims (unverified).
function showToken(result, response) {
  let decoded = null;
  try {
    decoded = decodeJwt(response.access_token);
  } catch {
    // an opaque token: a reference, nothing to decode
  }
  replace(result,
    h('h2', {}, t('try.response')),
    h('pre', { id: 'try-response' }, pretty(response)),
    decoded ? [
      h('h2', {}, t('try.header')), h('pre', { id: 'try-header' }, pretty(decoded.header)),
      h('h2', {}, t('try.claims')), h('pre', { id: 'try-claims' }, pretty(decoded.claims)),
    ] : h('p', { id: 'try-opaque' }, t('try.opaque')));
}

function tryForm(clients) {
  const select = h('select', { name: 'client_id', id: 'try-client' },
    clients.map((c) => h('option', { value: c.client_id }, `${c.client_name} (${c.client_id})`)));
  const chosen = () => clients.find((c) => c.client_id === select.value);
  const holder = h('div');
  const scopes = h('fieldset', { id: 'try-scopes', 'aria-describedby': 'try-scopes-error' },
    h('legend', {}, t('try.scopes')), holder,
    h('p', { class: 'field-error', id: 'try-scopes-error', hidden: true }));
  let boxes = scopeBoxes(holder, chosen());
  select.addEventListener('change', () => {
    boxes = scopeBoxes(holder, chosen());
    fieldError(scopes, null);
  });
  const file = h('input', { type: 'file', name: 'key_file', accept: '.pem,.json,.jwk,.key,text/plain' });
  const text = h('textarea', { name: 'key_text', spellcheck: 'false', autocomplete: 'off' });
  const result = h('div', { id: 'try-result' });
  const submit = h('button', { class: 'primary', type: 'submit', id: 'try-submit' }, t('try.submit'));
  const form = h('form', { id: 'try-form', novalidate: true },
    field(t('try.client'), select),
    scopes,
    field(t('try.key_file'), file, t('signin.key_file_hint')),
    field(t('signin.key_text'), text),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      const asked = boxes.filter((b) => b.checked).map((b) => b.value);
      const keyText = file.files[0] ? await file.files[0].text() : text.value;
      fieldError(scopes, asked.length ? null : t('try.need_scope'));
      fieldError(text, keyText.trim() ? null : t('signin.need_key'));
      if (!asked.length || !keyText.trim()) return;
      try {
        const key = await readPrivateKey(keyText);
        showToken(result, await exchangeGrant(await grantFor(chosen(), key, asked)));
        announce(t('try.done'));
      } catch (e) {
        replace(result, errorBox(e, e instanceof ApiError ? t('try.refused') : null));
        announce(t('try.failed'), 'error');
      } finally {
        text.value = '';
        file.value = '';
      }
    });
  });
  return h('div', {}, form, result);
}

export async function render() {
  let clients;
  try {
    clients = (await call('GET', '/v1/clients')).filter((c) => c.active);
  } catch (e) {
    if (e instanceof SessionExpired) throw e;
    return h('section', {}, h('h1', {}, t('try.title')), errorBox(e));
  }
  return h('section', {},
    h('h1', {}, t('try.title')),
    h('p', { class: 'lead' }, t('try.lead')),
    clients.length ? tryForm(clients)
      : h('p', { id: 'try-no-clients' }, t('try.no_clients'), ' ', h('a', { href: '#/clients' }, t('nav.clients'))));
}
