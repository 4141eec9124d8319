'use strict';

// The Documents page: a tree of ':'-separated segments, paged key lists, one document, its history.
const state = { prefix: '', search: null, next: null, shown: 0, key: null, role: 'reader' };

function fail(e) {
  document.getElementById('message').textContent = e.message;
}

function q(params) {
  return Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
}

function remember() {
  history.replaceState(null, '', '/?' + q({ prefix: state.prefix, key: state.key }));
}

async function showTree(prefix) {
  state.prefix = prefix;
  remember();
  const crumbs = [el('a', { href: '#', onclick: (e) => { e.preventDefault(); showTree(''); } }, '(all)')];
  let acc = '';
  for (const seg of prefix.split(':').filter((s) => s !== '')) {
    acc += seg + ':';
    const p = acc;
    crumbs.push(' ', el('a', { href: '#', onclick: (e) => { e.preventDefault(); showTree(p); } }, seg + ':'));
  }
  document.getElementById('crumbs').replaceChildren(...crumbs);
  const level = await api('/tree?' + q({ prefix }));
  document.getElementById('tree').replaceChildren(...level.children.map((c) => el('li', { class: 'clickable', dataset: { prefix: c.prefix } },
    c.branch ? el('a', { href: '#', onclick: (e) => { e.preventDefault(); showTree(c.prefix + ':'); } }, c.segment + ':') : null,
    c.document ? el('a', { href: '#', class: 'doclink', onclick: (e) => { e.preventDefault(); showDoc(c.prefix); } }, c.branch ? ' (document)' : c.segment) : null,
    el('span', { class: 'count' }, c.count))));
  document.getElementById('tree-more').textContent = level.more ? 'more segments than shown: search by prefix to narrow' : '';
  await listKeys(prefix);
}

async function listKeys(prefix) {
  state.search = prefix;
  state.next = null;
  state.shown = 0;
  document.getElementById('search').value = prefix;
  document.getElementById('keys').replaceChildren();
  await moreKeys();
}

async function moreKeys() {
  const page = await api('/keys?' + q({ prefix: state.search, after: state.next, limit: 100 }));
  const body = document.getElementById('keys');
  for (const k of page.keys) {
    body.append(el('tr', { class: 'clickable', dataset: { key: k }, onclick: () => showDoc(k) }, el('td', {}, k)));
  }
  state.shown += page.keys.length;
  state.next = page.next;
  document.getElementById('more').hidden = !page.next;
  document.getElementById('keys-count').textContent = state.shown + ' shown' + (page.next ? '' : ', all');
}

function ttl(ms) {
  if (ms === null || ms === undefined) return 'none';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? (s / 3600).toFixed(1) + ' h' : s >= 60 ? Math.round(s / 60) + ' min' : s + ' s';
}

async function showDoc(key) {
  document.getElementById('message').textContent = '';
  state.key = key;
  remember();
  for (const row of document.querySelectorAll('#keys tr')) row.classList.toggle('selected', row.dataset.key === key);
  const doc = document.getElementById('doc');
  let d;
  try {
    d = await api('/doc?' + q({ key }));
  } catch (e) {
    doc.replaceChildren(el('h1', {}, key), el('p', { class: 'error' }, e.message));
    document.getElementById('history-panel').hidden = true;
    return;
  }
  doc.replaceChildren(el('h1', {}, key),
    el('table', { id: 'meta' }, el('tbody', {},
      el('tr', {}, el('th', {}, 'revision'), el('td', { id: 'revision' }, d.revision)),
      el('tr', {}, el('th', {}, 'size'), el('td', {}, d.size + ' bytes')),
      el('tr', {}, el('th', {}, 'writer'), el('td', {}, d.writer || '')),
      el('tr', {}, el('th', {}, 'created'), el('td', {}, d.created || '')),
      el('tr', {}, el('th', {}, 'updated'), el('td', {}, d.updated || '')),
      el('tr', {}, el('th', {}, 'TTL left'), el('td', {}, ttl(d.ttlMillis))))),
    el('h2', {}, 'Content'),
    el('pre', { id: 'json' }, JSON.stringify(d.value, null, 2)));
  await showHistory(key, d.revision);
}

async function showHistory(key, current) {
  const panel = document.getElementById('history-panel');
  const h = await api('/history?' + q({ key }));
  panel.hidden = false;
  document.getElementById('diff').replaceChildren();
  const versions = h.versions;
  document.getElementById('history-note').textContent = versions.length === 0
    ? 'No versions kept: history is off for this key (statestore history policy).' : versions.length + ' versions kept.';
  const canRevert = state.role === 'writer' || state.role === 'admin';
  const rows = versions.slice().reverse().map((v, i) => el('tr', { dataset: { rev: v.revision } },
    el('td', {}, el('input', { type: 'radio', name: 'from', value: v.revision, checked: i === 1 || (versions.length === 1) })),
    el('td', {}, el('input', { type: 'radio', name: 'to', value: v.revision, checked: i === 0 })),
    el('td', {}, v.revision), el('td', {}, el('span', { class: 'badge' }, v.op)), el('td', {}, v.writer || ''),
    el('td', {}, v.time), el('td', {}, v.size === null ? '' : v.size),
    el('td', {}, canRevert && !v.deletion && v.revision !== current
      ? el('button', { class: 'revert', onclick: () => revert(key, v.revision) }, 'Revert to this') : null)));
  document.getElementById('history').replaceChildren(...rows);
}

async function diff() {
  const from = document.querySelector('input[name=from]:checked');
  const to = document.querySelector('input[name=to]:checked');
  if (!from || !to) return;
  const d = await api('/diff?' + q({ key: state.key, from: from.value, to: to.value }));
  const out = document.getElementById('diff');
  const rows = d.changes.map((c) => el('tr', { class: c.kind, dataset: { path: c.path } },
    el('td', {}, el('code', {}, c.path)), el('td', {}, c.kind),
    el('td', {}, c.before === null || c.before === undefined ? '' : JSON.stringify(c.before)),
    el('td', {}, c.after === null || c.after === undefined ? '' : JSON.stringify(c.after))));
  out.replaceChildren(el('h2', {}, 'Changes from revision ' + d.from + ' to ' + d.to),
    d.changes.length === 0 ? el('p', { class: 'muted' }, 'The two versions are the same.')
      : el('table', { id: 'diff-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'path'), el('th', {}, ''), el('th', {}, 'before'), el('th', {}, 'after'))),
        el('tbody', {}, rows)),
    el('div', { class: 'diffcols' },
      el('div', {}, el('h2', {}, 'Revision ' + d.from), el('pre', {}, JSON.stringify(d.before, null, 2))),
      el('div', {}, el('h2', {}, 'Revision ' + d.to), el('pre', {}, JSON.stringify(d.after, null, 2)))));
}

async function revert(key, revision) {
  if (!confirm('Write the content of revision ' + revision + ' of ' + key + ' as a new revision?')) return;
  try {
    await api('/revert', { method: 'POST', body: { key, revision } });
    await showDoc(key);
  } catch (e) {
    fail(e);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    listKeys(document.getElementById('search').value).catch(fail);
  });
  document.getElementById('more').addEventListener('click', () => moreKeys().catch(fail));
  document.getElementById('diff-button').addEventListener('click', () => diff().catch(fail));
  try {
    state.role = (await session()).role;
    const params = new URLSearchParams(location.search);
    await showTree(params.get('prefix') || '');
    if (params.get('key')) await showDoc(params.get('key'));
  } catch (e) {
    fail(e);
  }
});
