// SPDX-License-Identifier: Apache-2.0
// The self-service page: a header that says who is signed in, a menu of
// what the session's admin scopes allow, and one view per hash route
// (#/scopes, #/clients/ID, ...). Every change goes through the self-service
// API with the session's token; the page can do nothing the API refuses.
import { h, replace } from './dom.js';
import { SessionExpired, canProvide, canRead, onSessionChange, session, signOut } from './session.js';
import { loadLanguage, t } from './text.js';
import { announce, clearStatus, errorBox, sessionEnded } from './ui.js';
import * as clients from './views/clients.js';
import * as delegations from './views/delegations.js';
import * as home from './views/home.js';
import * as scopes from './views/scopes.js';
import * as server from './views/server.js';
import * as systems from './views/systems.js';
import * as tryToken from './views/try.js';
import * as usable from './views/usable.js';

// [pattern, view, may the session open it]
const routes = [
  [/^$/, home, () => true],
  [/^server$/, server, () => true],
  [/^scopes(?:\/(.+))?$/, scopes, canProvide],
  [/^usable$/, usable, canRead],
  [/^clients(?:\/(.+))?$/, clients, canRead],
  [/^delegations$/, delegations, canRead],
  [/^systems$/, systems, canRead],
  [/^try$/, tryToken, canRead],
];

const menu = [
  ['', 'nav.home', () => true],
  ['scopes', 'nav.scopes', canProvide],
  ['usable', 'nav.usable', canRead],
  ['clients', 'nav.clients', canRead],
  ['delegations', 'nav.delegations', canRead],
  ['systems', 'nav.systems', canRead],
  ['try', 'nav.try', canRead],
  ['server', 'nav.server', () => true],
];

function path() {
  const raw = location.hash.replace(/^#\/?/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;  // a stray "%": no route has one, so the overview
  }
}

export function go(to) {
  if (path() === to) render();
  else location.hash = `#/${to}`;
}

function renderNav() {
  const nav = document.getElementById('nav');
  const here = path().split('/')[0];
  replace(nav, session() ? menu.filter(([, , may]) => may()).map(([to, key]) =>
    h('a', { href: `#/${to}`, 'aria-current': here === to ? 'page' : false, onclick: clearStatus },
      t(key))) : []);
}

function renderWho() {
  const who = document.getElementById('who');
  const s = session();
  if (!s) {
    replace(who);
    return;
  }
  const left = Math.round(s.expires - Date.now() / 1000);
  replace(who,
    h('span', { id: 'who-org' }, s.org ? t('who.org', s.org) : t('who.org_unknown')),
    h('span', { class: 'scopes', id: 'who-scopes' }, s.scopes.map((x) => h('span', { class: 'tag' }, x))),
    h('span', { id: 'who-expires', class: 'muted', title: s.key ? t('who.renews') : '' },
      t('who.expires', left)),
    h('button', { id: 'sign-out', onclick: () => {
      signOut();
      announce(t('signout.done'));
      go('');
    } }, t('who.sign_out')));
}

let rendering = 0;
export async function render() {
  const mine = ++rendering;
  renderNav();
  renderWho();
  const main = document.getElementById('main');
  const here = path();
  for (const [pattern, view, may] of routes) {
    const m = here.match(pattern);
    if (!m) continue;
    if (!may()) break;
    replace(main, h('p', { class: 'muted' }, t('app.loading')));
    try {
      const content = await view.render(m[1], { go, render });
      if (mine === rendering) replace(main, content);
    } catch (e) {
      if (e instanceof SessionExpired) {
        sessionEnded();
        return;
      }
      if (mine === rendering) replace(main, errorBox(e));
    }
    return;
  }
  go('');  // unknown, or not for this session: the overview
}

onSessionChange(() => {
  renderNav();
  renderWho();
});

window.addEventListener('hashchange', () => {
  render();
  document.getElementById('main').focus();
});

// The header's countdown: only its text changes, so focus stays put.
setInterval(() => {
  const s = session();
  const expires = document.getElementById('who-expires');
  if (s && expires) expires.textContent = t('who.expires', Math.round(s.expires - Date.now() / 1000));
}, 1000);

await loadLanguage();
document.getElementById('brand-sub').textContent = t('app.title');
render();
