// Shared by every dashboard page: the nav, api() and el(). No framework, no build step.
'use strict';

const NAV = [
  ['Documents', '/'], ['Live', '/live.html'], ['Events', '/events.html'],
  ['Tasks', '/tasks.html'], ['Daemon', '/daemon.html'], ['Series', '/series.html'],
];

let sessionPromise = null;

function toLogin() {
  if (!location.pathname.startsWith('/login')) {
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
  }
}

// The caller's role and the CSRF token for its POSTs; the token is never in a page's source.
function session() {
  if (!sessionPromise) {
    sessionPromise = fetch('/api/session', { credentials: 'same-origin' }).then(async (r) => {
      if (r.status === 401) {
        toLogin();
        throw new Error('not logged in');
      }
      const data = await r.json();
      if (!r.ok) throw new Error(data.error || ('HTTP ' + r.status));
      return data;
    });
  }
  return sessionPromise;
}

// GET or POST a dashboard endpoint; '/events' and '/api/events' are the same. Resolves to the
// parsed JSON; rejects with the server's own error text.
async function api(path, options = {}) {
  const url = path.startsWith('/api/') ? path : '/api' + (path.startsWith('/') ? path : '/' + path);
  const opts = Object.assign({ method: 'GET', credentials: 'same-origin' }, options);
  opts.headers = Object.assign({}, options.headers || {});
  if (opts.body !== undefined && typeof opts.body !== 'string') {
    opts.body = JSON.stringify(opts.body);
  }
  if (opts.method.toUpperCase() !== 'GET') {
    opts.headers['Content-Type'] = opts.headers['Content-Type'] || 'application/json';
    opts.headers['X-CSRF-Token'] = (await session()).csrf;
  }
  const r = await fetch(url, opts);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (r.status === 401) toLogin();
  if (!r.ok) throw new Error((data && data.error) || ('HTTP ' + r.status + ' from ' + url));
  return data;
}

// el('a', {href: '/', class: 'x', dataset: {key: 'k'}, onclick: fn}, 'text', otherNode)
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function logout() {
  const s = await session();
  await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': s.csrf } }).catch(() => {});
}

function fillNav() {
  const nav = document.getElementById('nav');
  if (!nav) return;
  const here = location.pathname === '/index.html' ? '/' : location.pathname;
  nav.replaceChildren(el('span', { class: 'brand' }, 'statestore'),
    ...NAV.map(([name, href]) => el('a', { href, class: href === here ? 'here' : null }, name)),
    el('span', { id: 'who', class: 'who' }));
  if (location.pathname.startsWith('/login')) return;
  session().then((s) => {
    document.getElementById('who').replaceChildren(s.role + ' ',
      el('button', { class: 'link', onclick: async () => { await logout(); toLogin(); } },
        'log out'));
  }).catch(() => {});
}

document.addEventListener('DOMContentLoaded', fillNav);
