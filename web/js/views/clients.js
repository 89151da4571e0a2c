// SPDX-License-Identifier: Apache-2.0
// An API consumer's clients: the list, registering one, one client's fields,
// and its keys: uploaded, or generated here with only the public half sent.
import { h, download, field, fieldError, replace, table } from '../dom.js';
import { generateKeyPair } from '../keys.js';
import { SessionExpired, call, canChange, canCreate } from '../session.js';
import { t } from '../text.js';
import { announce, busy, confirmDialog, date, errorBox, onSubmit, report, stateTag } from '../ui.js';
import { usableScopes } from './usable.js';

const DAY = 86400;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const path = (id, rest = '') => `/v1/clients/${encodeURIComponent(id)}${rest}`;
const keyPath = (id) => `/v2/clients/${encodeURIComponent(id)}/key`;
const sortedSet = (names) => [...new Set(names)].sort();
const tags = (names) => (names.length
  ? names.map((x) => [h('span', { class: 'tag' }, x), ' '])
  : h('span', { class: 'muted' }, t('client.no_scopes')));
const backLink = () => h('p', {}, h('a', { href: '#/clients' }, '← ', t('common.back')));

// `work`'s view, or the API's refusal under `title`.
async function orError(title, work) {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SessionExpired) throw e;
    return h('section', {}, backLink(), h('h1', {}, title), errorBox(e));
  }
}

async function list(ctx) {
  const showInactive = sessionStorage.getItem('clients.inactive') === '1';
  const clients = await call('GET', `/v1/clients${showInactive ? '?inactive=true' : ''}`);
  const toggle = h('input', { type: 'checkbox', id: 'show-inactive', checked: showInactive });
  toggle.addEventListener('change', () => {
    sessionStorage.setItem('clients.inactive', toggle.checked ? '1' : '0');
    ctx.render();
  });
  return h('section', {},
    h('h1', {}, t('clients.title')),
    canCreate() ? h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/clients/new', id: 'new-client' }, t('clients.new'))) : null,
    h('div', { class: 'check' }, toggle, h('label', { for: 'show-inactive' }, t('common.show_inactive'))),
    clients.length
      ? table([t('clients.name'), t('clients.id'), t('clients.scopes'), t('clients.lifetime'), t('clients.state')],
        clients.map((c) => [h('a', { href: `#/clients/${c.client_id}` }, c.client_name),
          h('span', { class: 'mono' }, c.client_id), tags(c.scopes), t('clients.seconds', c.access_token_lifetime),
          stateTag(c.active)]), t('clients.list_caption'))
      : h('p', {}, t('common.none')));
}

// Scope checkboxes. The fieldset's error line belongs to the first box, so
// that showFormError can put a refusal that names "scopes" there.
function scopeChoice(names, chosen) {
  const boxes = names.map((name, i) => h('input', { type: 'checkbox', name: 'scopes', value: name,
    id: `client-scope-${i}`, checked: chosen.includes(name) }));
  const error = boxes.length ? h('p', { class: 'field-error', id: `${boxes[0].id}-error`, hidden: true }) : null;
  const fieldset = h('fieldset', { id: 'client-scopes' },
    h('legend', {}, t('client.scopes')),
    h('p', { class: 'hint muted' }, t('client.scopes_hint')),
    boxes.length
      ? boxes.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id, class: 'mono' }, box.value)))
      : h('p', {}, t('client.no_usable')),
    error);
  return { boxes, fieldset, chosen: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

// The client form: register (`client` null) or change (the whole client).
function clientForm(choices, client, onSaved) {
  const v = client || {};
  const inputs = {
    client_name: h('input', { type: 'text', name: 'client_name', autocomplete: 'off', value: v.client_name || '' }),
    description: h('input', { type: 'text', name: 'description', value: v.description || '' }),
    access_token_lifetime: h('input', { type: 'number', name: 'access_token_lifetime', min: 1, max: 86400,
      value: v.access_token_lifetime ?? 120 }),
  };
  const scopes = scopeChoice(choices, v.scopes || []);
  if (scopes.boxes.length) inputs.scopes = scopes.boxes[0];
  const problem = h('div', { class: 'form-error' });
  const submit = h('button', { class: 'primary', type: 'submit' }, client ? t('common.save') : t('common.create'));
  const form = h('form', { id: 'client-form', novalidate: true },
    field(t('client.client_name'), inputs.client_name),
    field(t('client.description'), inputs.description),
    scopes.fieldset,
    field(t('client.access_token_lifetime'), inputs.access_token_lifetime, t('client.lifetime_hint')),
    h('div', { class: 'actions' }, submit),
    problem);
  onSubmit(form, submit, inputs, problem, async () => {
    const body = {
      client_name: inputs.client_name.value.trim(),
      description: inputs.description.value,
      scopes: scopes.chosen(),
      access_token_lifetime: Number(inputs.access_token_lifetime.value || 120),
    };
    onSaved(client
      ? await call('PUT', path(client.client_id), { json: body })
      : await call('POST', '/v1/clients', { json: body }));
  });
  return form;
}

async function create(ctx) {
  if (!canCreate()) {
    return h('section', {}, backLink(), h('h1', {}, t('client.create_title')), h('p', {}, t('client.may_not_create')));
  }
  const usable = await usableScopes();
  return h('section', {},
    backLink(),
    h('h1', {}, t('client.create_title')),
    clientForm(usable, null, (saved) => {
      announce(t('client.created', saved.client_name));
      ctx.go(`clients/${saved.client_id}`);
    }));
}

// What the client is; its changeable fields too when there is no form.
function facts(client, editable) {
  const fact = (label, value, attrs = {}) => [h('dt', {}, label), h('dd', attrs, value)];
  return h('dl', { class: 'facts' },
    fact(t('clients.id'), client.client_id, { class: 'mono', id: 'client-id' }),
    fact(t('client.orgno'), client.client_orgno),
    editable ? null : [
      fact(t('client.description'), client.description),
      fact(t('client.scopes'), tags(client.scopes)),
      fact(t('client.access_token_lifetime'), t('clients.seconds', client.access_token_lifetime)),
    ],
    fact(t('client.created_at'), date(client.created)),
    fact(t('client.updated_at'), date(client.last_updated)));
}

function deactivateButton(client, ctx) {
  const button = h('button', { class: 'danger', type: 'button', id: 'deactivate-client' }, t('common.deactivate'));
  button.addEventListener('click', async () => {
    if (!(await confirmDialog(t('client.deactivate_confirm', client.client_name), t('common.deactivate')))) return;
    await busy(button, async () => {
      try {
        await call('DELETE', path(client.client_id));
        announce(t('client.deactivated', client.client_name));
        ctx.render();
      } catch (e) {
        report(e);
      }
    });
  });
  return h('div', { class: 'actions' }, button);
}

function removeKeyButton(client, kid, ctx) {
  const button = h('button', { class: 'danger', type: 'button', 'data-kid': kid }, t('common.remove'));
  button.addEventListener('click', async () => {
    if (!(await confirmDialog(t('keys.remove_confirm', kid), t('common.remove')))) return;
    await busy(button, async () => {
      try {
        await call('DELETE', path(client.client_id, `/jwks/${encodeURIComponent(kid)}`));
        announce(t('keys.removed', kid));
        ctx.render();
      } catch (e) {
        report(e);
      }
    });
  });
  return h('div', { class: 'row-actions' }, button);
}

function expiry(exp) {
  const days = Math.floor((exp - Date.now() / 1000) / DAY);
  return [date(exp), ' ', h('span', { class: 'muted' }, t('keys.days_left', days)),
    days < 30 ? [' ', h('span', { class: 'tag warn' }, t('keys.soon'))] : null];
}

function keyTable(client, keys, editable, ctx) {
  if (!keys.length) return h('p', { id: 'no-keys' }, t('keys.none'));
  const headers = [t('keys.kid'), t('keys.alg'), t('keys.expires')];
  const rows = keys.map((k) => [h('span', { class: 'mono' }, k.kid), k.alg, expiry(k.exp)]);
  if (editable) {
    headers.push('');
    keys.forEach((k, i) => rows[i].push(removeKeyButton(client, k.kid, ctx)));
  }
  return table(headers, rows);
}

// Whether a pasted or picked key text holds a private key (never sent).
function looksPrivate(text) {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return true;
  try {
    const value = JSON.parse(text);
    const keys = value && Array.isArray(value.keys) ? value.keys : [value];
    return keys.some((k) => k && typeof k === 'object' && PRIVATE_MEMBERS.some((m) => m in k));
  } catch {
    return false;
  }
}

// The keys of a JSON text that is a JWK set of several keys; else null.
function severalKeys(text) {
  try {
    const value = JSON.parse(text);
    return value && Array.isArray(value.keys) && value.keys.length > 1 ? value.keys : null;
  } catch {
    return null;
  }
}

// Each key goes to the route that adds one key, so that the keys already
// there keep their expiry (a PUT of the set would renew them all). Answers
// the new kids.
async function uploadKeys(id, text) {
  const several = severalKeys(text);
  const kids = [];
  for (const key of several || [text]) {
    const body = typeof key === 'string' ? key : JSON.stringify(key);
    kids.push((await call('POST', keyPath(id), { text: body })).kid);
  }
  return kids;
}

function uploadForm(client, ctx) {
  const file = h('input', { type: 'file', name: 'key_file', accept: '.pem,.pub,.json,.jwk,.jwks,text/plain,application/json' });
  const text = h('textarea', { name: 'key_text', spellcheck: 'false', autocomplete: 'off' });
  const problem = h('div');
  const submit = h('button', { class: 'primary', type: 'submit' }, t('keys.upload_submit'));
  const form = h('form', { id: 'key-upload-form', novalidate: true },
    h('h3', {}, t('keys.upload')),
    field(t('keys.upload_file'), file, t('keys.upload_hint')),
    field(t('keys.upload_text'), text),
    h('div', { class: 'actions' }, submit),
    problem);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      const keyText = file.files[0] ? await file.files[0].text() : text.value;
      replace(problem);
      fieldError(text, null);
      if (!keyText.trim() || looksPrivate(keyText)) {
        fieldError(text, keyText.trim() ? t('keys.private') : t('keys.need'));
        text.focus();
        return;
      }
      try {
        const kids = await uploadKeys(client.client_id, keyText);
        text.value = '';
        file.value = '';
        announce(t('keys.added', kids.join(', ')));
        ctx.render();
      } catch (e) {
        replace(problem, errorBox(e));
      }
    });
  });
  return form;
}

function generateSection(client, ctx) {
  const problem = h('div');
  const button = h('button', { type: 'button', id: 'generate-key' }, t('keys.generate'));
  button.addEventListener('click', () => busy(button, async () => {
    replace(problem);
    try {
      const { privatePem, publicJwk } = await generateKeyPair();
      await call('POST', keyPath(client.client_id), { text: JSON.stringify(publicJwk) });
      download(`${client.client_name}-${publicJwk.kid}.pem`, privatePem, 'application/x-pem-file');
      announce(t('keys.generated', publicJwk.kid));
      ctx.render();
    } catch (e) {
      replace(problem, errorBox(e));
    }
  }));
  return h('div', { id: 'generate' },
    h('h3', {}, t('keys.generate')),
    h('p', { class: 'muted' }, t('keys.generate_text')),
    h('div', { class: 'actions' }, button),
    problem);
}

function keysSection(client, keys, ctx) {
  const editable = canChange() && client.active;
  return h('section', { id: 'keys' },
    h('h2', {}, t('client.keys')),
    keyTable(client, keys, editable, ctx),
    editable ? [uploadForm(client, ctx), generateSection(client, ctx)] : null);
}

async function detail(id, ctx) {
  const [client, set, usable] = await Promise.all([
    call('GET', path(id)),
    call('GET', path(id, '/jwks')),
    canChange() ? usableScopes() : [],
  ]);
  const editable = canChange() && client.active;
  return h('section', {},
    backLink(),
    h('h1', {}, t('client.edit_title', client.client_name), ' ', stateTag(client.active)),
    facts(client, editable),
    editable ? clientForm(sortedSet([...usable, ...client.scopes]), client, () => {
      announce(t('common.saved'));
      ctx.render();
    }) : null,
    editable ? deactivateButton(client, ctx) : null,
    keysSection(client, set.keys || [], ctx));
}

export function render(rest, ctx) {
  if (!rest) return orError(t('clients.title'), () => list(ctx));
  if (rest === 'new') return orError(t('client.create_title'), () => create(ctx));
  return orError(t('client.edit_title', rest), () => detail(rest, ctx));
}
