// SPDX-License-Identifier: Apache-2.0
// An API consumer's scopes: those granted to its organisation and the
// public ones open to every organisation. clients.js and delegations.js
// offer their scope choices from here.
import { h, table } from '../dom.js';
import { SessionExpired, call } from '../session.js';
import { t } from '../text.js';
import { date, errorBox } from '../ui.js';

const grantedEntries = async () =>
  (await call('GET', '/v1/scopes/access/all')).filter((a) => a.state === 'APPROVED');
const openScopes = () => call('GET', '/v1/scopes/all?accessible_for_all=true');
const sortedSet = (names) => [...new Set(names)].sort();

// The names of the scopes the organisation may use, sorted, each once.
export async function usableScopes() {
  const [granted, open] = await Promise.all([grantedEntries(), openScopes()]);
  return sortedSet([...granted.map((a) => a.scope), ...open.map((s) => s.name)]);
}

// Those of them that may be delegated: the ones whose PUBLIC record names a
// delegation source (a PRIVATE scope's record cannot be read: not delegable).
export async function delegableScopes() {
  const [usable, all] = await Promise.all([usableScopes(), call('GET', '/v1/scopes/all')]);
  const delegable = new Set(all.filter((s) => s.delegation_source != null).map((s) => s.name));
  return usable.filter((name) => delegable.has(name));
}

function grantedTable(entries) {
  const rows = [...entries].sort((a, b) => a.scope.localeCompare(b.scope)).map((a) =>
    [h('span', { class: 'mono' }, a.scope), a.owner_orgno, date(a.last_updated || a.created)]);
  return rows.length
    ? table([t('usable.scope'), t('usable.owner'), t('usable.since')], rows, t('usable.granted_caption'))
    : h('p', {}, t('usable.none_granted'));
}

function openTable(scopes) {
  const rows = [...scopes].sort((a, b) => a.name.localeCompare(b.name)).map((s) =>
    [h('span', { class: 'mono' }, s.name), s.description, s.owner_orgno]);
  return rows.length
    ? table([t('usable.scope'), t('usable.description'), t('usable.owner')], rows, t('usable.for_all_caption'))
    : h('p', {}, t('common.none'));
}

export async function render() {
  let granted;
  let open;
  try {
    [granted, open] = await Promise.all([grantedEntries(), openScopes()]);
  } catch (e) {
    if (e instanceof SessionExpired) throw e;
    return h('section', {}, h('h1', {}, t('usable.title')), errorBox(e));
  }
  return h('section', {},
    h('h1', {}, t('usable.title')),
    h('p', { class: 'lead' }, t('usable.lead')),
    h('section', { id: 'usable-granted' }, h('h2', {}, t('usable.granted')), grantedTable(granted)),
    h('section', { id: 'usable-for-all' }, h('h2', {}, t('usable.for_all')), openTable(open)));
}
