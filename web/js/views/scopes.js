// SPDX-License-Identifier: Apache-2.0
// An API provider's scopes: its prefixes, its scopes, one scope's fields and
// the organisations it is granted to.
import { h, field, table } from '../dom.js';
import { orgnoInput } from '../orgno.js';
import { call } from '../session.js';
import { t } from '../text.js';
import { announce, confirmDialog, date, errorBox, onSubmit, report, stateTag } from '../ui.js';

const q = (name) => `scope=${encodeURIComponent(name)}`;
const INTEGRATION_TYPES = ['maskinporten', 'api_klient', 'idporten', 'ansattporten', 'krr'];

async function list(ctx) {
  const showInactive = sessionStorage.getItem('scopes.inactive') === '1';
  const [prefixes, scopes] = await Promise.all([
    call('GET', '/v1/prefix'),
    call('GET', `/v1/scopes${showInactive ? '?inactive=true' : ''}`),
  ]);
  const toggle = h('input', { type: 'checkbox', id: 'show-inactive', checked: showInactive });
  toggle.addEventListener('change', () => {
    sessionStorage.setItem('scopes.inactive', toggle.checked ? '1' : '0');
    ctx.render();
  });
  return h('section', {},
    h('h1', {}, t('scopes.title')),
    h('p', { class: 'lead' }, t('scopes.prefixes'), ': ',
      prefixes.length ? prefixes.map((p) => p.prefix).join(', ') : t('scopes.no_prefix')),
    prefixes.length ? h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/scopes/new', id: 'new-scope' }, t('scopes.new'))) : null,
    h('div', { class: 'check' }, toggle, h('label', { for: 'show-inactive' }, t('common.show_inactive'))),
    scopes.length
      ? table([t('scopes.name'), t('scopes.description'), t('scopes.visibility'), t('scopes.state')],
        scopes.map((s) => [h('a', { href: `#/scopes/${s.name}` }, s.name), s.description, s.visibility,
          stateTag(s.active)]), t('scopes.list_caption'))
      : h('p', {}, t('common.none')));
}

// The scope form: create (prefix choice and subscope) or edit (name fixed).
function scopeForm(prefixes, scope, onSaved) {
  const v = scope || {};
  const select = (name, options, value) => h('select', { name },
    options.map((o) => h('option', { value: o, selected: o === value }, o)));
  const inputs = {
    description: h('input', { type: 'text', name: 'description', value: v.description || '' }),
    long_description: h('textarea', { name: 'long_description' }),
    token_type: select('token_type', ['SELF_CONTAINED', 'OPAQUE'], v.token_type || 'SELF_CONTAINED'),
    at_max_age: h('input', { type: 'number', name: 'at_max_age', min: 0, max: 86400, value: v.at_max_age ?? 0 }),
    visibility: select('visibility', ['PUBLIC', 'PRIVATE'], v.visibility || 'PUBLIC'),
    delegation_source: h('input', { type: 'text', name: 'delegation_source', value: v.delegation_source || '' }),
  };
  inputs.long_description.value = v.long_description || '';
  if (!scope) {
    inputs.prefix = select('prefix', prefixes.map((p) => p.prefix), prefixes[0] && prefixes[0].prefix);
    inputs.subscope = h('input', { type: 'text', name: 'subscope', autocomplete: 'off' });
  }
  const forAll = h('input', { type: 'checkbox', name: 'accessible_for_all', id: 'accessible_for_all',
    checked: Boolean(v.accessible_for_all) });
  const types = INTEGRATION_TYPES.map((type) => h('input', { type: 'checkbox', name: 'allowed_integration_types',
    value: type, id: `it-${type}`, checked: (v.allowed_integration_types || ['maskinporten']).includes(type) }));
  inputs.allowed_integration_types = types[0];
  const problem = h('div', { class: 'form-error' });
  const submit = h('button', { class: 'primary', type: 'submit' }, scope ? t('common.save') : t('common.create'));
  const form = h('form', { id: 'scope-form', novalidate: true },
    scope ? null : field(t('scope.prefix'), inputs.prefix),
    scope ? null : field(t('scope.subscope'), inputs.subscope, t('scope.subscope_hint')),
    field(t('scope.description'), inputs.description),
    field(t('scope.long_description'), inputs.long_description),
    field(t('scope.token_type'), inputs.token_type, t('scope.token_type_hint')),
    field(t('scope.at_max_age'), inputs.at_max_age, t('scope.at_max_age_hint')),
    field(t('scope.visibility'), inputs.visibility, t('scope.visibility_hint')),
    h('div', { class: 'check' }, forAll, h('label', { for: 'accessible_for_all' }, t('scope.accessible_for_all'))),
    field(t('scope.delegation_source'), inputs.delegation_source, t('scope.delegation_source_hint')),
    h('fieldset', {}, h('legend', {}, t('scope.integration_types')),
      types.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id }, box.value)))),
    h('div', { class: 'actions' }, submit),
    problem);
  onSubmit(form, submit, inputs, problem, async () => {
    const body = {
      description: inputs.description.value,
      long_description: inputs.long_description.value,
      token_type: inputs.token_type.value,
      at_max_age: Number(inputs.at_max_age.value || 0),
      visibility: inputs.visibility.value,
      accessible_for_all: forAll.checked,
      delegation_source: inputs.delegation_source.value.trim() || null,
      allowed_integration_types: types.filter((b) => b.checked).map((b) => b.value),
    };
    if (!scope) {
      body.prefix = inputs.prefix.value;
      body.subscope = inputs.subscope.value.trim();
    }
    onSaved(scope
      ? await call('PUT', `/v1/scopes?${q(scope.name)}`, { json: body })
      : await call('POST', '/v1/scopes', { json: body }));
  });
  return form;
}

function accessSection(scope, entries, ctx) {
  const { input: orgno, valid } = orgnoInput('orgno');
  const problem = h('div');
  const submit = h('button', { class: 'primary', type: 'submit' }, t('scope.grant'));
  const form = h('form', { id: 'grant-form', novalidate: true },
    field(t('scope.orgno'), orgno, t('scope.orgno_hint')), h('div', { class: 'actions' }, submit), problem);
  onSubmit(form, submit, { orgno }, problem, async () => {
    if (!valid()) return false;
    await call('PUT', `/v1/scopes/access/${orgno.value}?${q(scope.name)}`);
    announce(t('scope.granted', orgno.value, scope.name));
    ctx.render();
  });
  const rows = entries.map((a) => [a.consumer_orgno, a.state, date(a.last_updated),
    a.state === 'APPROVED' && scope.active ? h('div', { class: 'row-actions' },
      h('button', { class: 'danger', 'data-org': a.consumer_orgno, onclick: async () => {
        if (!(await confirmDialog(t('scope.revoke_confirm', a.consumer_orgno, scope.name), t('scope.revoke')))) return;
        try {
          await call('DELETE', `/v1/scopes/access/${a.consumer_orgno}?${q(scope.name)}`);
          announce(t('scope.revoked', a.consumer_orgno, scope.name));
          ctx.render();
        } catch (e) {
          report(e);
        }
      } }, t('scope.revoke'))) : '']);
  return h('section', { id: 'access' },
    h('h2', {}, t('scope.access')),
    rows.length ? table([t('access.consumer'), t('access.state'), t('access.updated'), ''], rows) : h('p', {}, t('common.none')),
    scope.active ? form : null);
}

async function detail(name, ctx) {
  if (name === 'new') {
    const prefixes = await call('GET', '/v1/prefix');
    return h('section', {}, h('h1', {}, t('scope.create_title')),
      prefixes.length ? scopeForm(prefixes, null, (saved) => {
        announce(t('scope.created', saved.name));
        ctx.go(`scopes/${saved.name}`);
      }) : h('p', {}, t('scopes.no_prefix')));
  }
  let scope;
  let entries;
  try {
    [scope, entries] = await Promise.all([
      call('GET', `/v1/scopes?${q(name)}`),
      call('GET', `/v1/scopes/access?${q(name)}`),
    ]);
  } catch (e) {
    return h('section', {}, h('h1', {}, t('scope.edit_title', name)), errorBox(e));
  }
  const deactivate = h('button', { class: 'danger', id: 'deactivate-scope', onclick: async () => {
    if (!(await confirmDialog(t('scope.deactivate_confirm', name), t('common.deactivate')))) return;
    try {
      await call('DELETE', `/v1/scopes?${q(name)}`);
      announce(t('scope.deactivated', name));
      ctx.render();
    } catch (e) {
      report(e);
    }
  } }, t('common.deactivate'));
  // Digdir's way back: the scope as it is, with "active": true.
  const activate = h('button', { class: 'primary', id: 'activate-scope', onclick: async () => {
    try {
      await call('PUT', `/v1/scopes?${q(name)}`, { json: { ...scope, active: true } });
      announce(t('scope.activated', name));
      ctx.render();
    } catch (e) {
      report(e);
    }
  } }, t('common.activate'));
  return h('section', {},
    h('p', {}, h('a', { href: '#/scopes' }, '← ', t('common.back'))),
    h('h1', {}, t('scope.edit_title', name), ' ', stateTag(scope.active)),
    scope.active ? scopeForm([], scope, () => { announce(t('common.saved')); ctx.render(); })
      : h('p', {}, scope.description),
    h('div', { class: 'actions' }, scope.active ? deactivate : activate),
    accessSection(scope, entries, ctx));
}

export function render(rest, ctx) {
  return rest ? detail(rest, ctx) : list(ctx);
}
