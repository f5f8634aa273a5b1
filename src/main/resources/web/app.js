// The dashboard's shell: sign-in, the session (this tab only), navigation between pages.
import { ApiError, get, setCredential } from './api.js';
import { h, clear } from './dom.js';
import { accountPages } from './account.js';
import { operatorPages } from './operator.js';

// sessionStorage: gone when the tab closes; no persistent storage, no cookie (docs/dashboard.md)
const STORE_CREDENTIAL = 'tollgate.credential';
const STORE_ROLE = 'tollgate.role';
const ROLES = {
  account: { pages: accountPages, probe: () => get('/v1/credits'), label: (d) => 'Account ' + d.account },
  operator: { pages: operatorPages, probe: () => get('/admin/analytics/summary?days=1'), label: () => 'Operator' },
};

const $ = (id) => document.getElementById(id);
let role = null;
let renderSeq = 0;

/** Tries the credential as an API key and as the admin token (the likelier first); 401 means "not this one". */
async function signIn(credential) {
  setCredential(credential);
  const order = credential.startsWith('tg-') ? ['account', 'operator'] : ['operator', 'account'];
  for (const r of order) {
    try {
      const probe = await ROLES[r].probe();
      return { role: r, label: ROLES[r].label(probe) };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
  }
  setCredential(null);
  throw new Error('This is neither a valid API key nor the admin token (or the key was revoked).');
}

function signOut() {
  sessionStorage.removeItem(STORE_CREDENTIAL);
  sessionStorage.removeItem(STORE_ROLE);
  setCredential(null);
  role = null;
  clear($('nav'));
  clear($('who'));
  clear($('view')).hidden = true;
  $('signin').hidden = false;
  $('credential').value = '';
  history.replaceState(null, '', location.pathname);
  $('credential').focus();
}

function enter(r, label) {
  role = r;
  $('signin').hidden = true;
  $('view').hidden = false;
  const pages = ROLES[r].pages;
  clear($('nav')).append(h('ul', {}, Object.entries(pages).map(([name, p]) =>
    h('li', {}, h('a', { href: '#/' + name, id: 'nav-' + name }, p.title)))));
  clear($('who')).append(h('span', { class: 'who-label' }, label), ' ',
    h('button', { type: 'button', class: 'link', id: 'signout', on: { click: signOut } }, 'Sign out'));
  const first = Object.keys(pages)[0];
  if (!pages[pageName()]) history.replaceState(null, '', '#/' + first);
  render();
}

const pageName = () => location.hash.replace(/^#\/?/, '').split('?')[0];

async function render() {
  if (!role) return;
  const pages = ROLES[role].pages;
  const name = pages[pageName()] ? pageName() : Object.keys(pages)[0];
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.id === 'nav-' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const seq = ++renderSeq;
  const page = pages[name];
  const body = h('div', { class: 'page', id: 'page-' + name });
  const view = clear($('view'));
  view.append(h('h1', { tabindex: '-1', id: 'page-title' }, page.title), body);
  document.title = page.title + ' · Tollgate';
  try {
    await page.render(body, { stale: () => seq !== renderSeq, rerender: render });
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e instanceof ApiError && e.status === 401) { signOut(); return; }
    body.append(h('p', { class: 'notice notice-error', role: 'alert' }, 'Could not load this page: ' + e.message));
  }
}

async function onSubmit(ev) {
  ev.preventDefault();
  const credential = $('credential').value.trim();
  const err = $('signin-error');
  err.textContent = '';
  if (!credential) return;
  try {
    const who = await signIn(credential);
    sessionStorage.setItem(STORE_CREDENTIAL, credential);
    sessionStorage.setItem(STORE_ROLE, JSON.stringify(who));
    $('credential').value = '';
    enter(who.role, who.label);
    $('page-title')?.focus();
  } catch (e) {
    err.textContent = e.message;
  }
}

function start() {
  $('signin-form').addEventListener('submit', onSubmit);
  window.addEventListener('hashchange', () => { render().then(() => $('page-title')?.focus()); });
  const saved = sessionStorage.getItem(STORE_CREDENTIAL);
  const who = saved && JSON.parse(sessionStorage.getItem(STORE_ROLE) || 'null');
  if (saved && who && ROLES[who.role]) {
    setCredential(saved);
    enter(who.role, who.label);
  } else {
    $('credential').focus();
  }
}

start();
