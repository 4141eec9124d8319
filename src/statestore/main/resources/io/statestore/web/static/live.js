'use strict';

// The live change feed: a WebSocket that resumes from its last position after any disconnect,
// so the page misses nothing; a paused view holds changes back and says how many.
const MAX_ROWS = 5000;
const live = { socket: null, position: null, paused: false, held: [], shown: 0, filter: { prefix: '', ops: '' }, retry: 250 };

function status(text) {
  document.getElementById('status').textContent = text;
}

function connect() {
  const params = new URLSearchParams();
  if (live.position) params.set('from', live.position);
  if (live.filter.prefix) params.set('prefix', live.filter.prefix);
  if (live.filter.ops) params.set('ops', live.filter.ops);
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/live?' + params);
  live.socket = ws;
  window.liveSocket = ws;
  ws.onopen = () => { status('connected'); live.retry = 250; };
  ws.onmessage = (m) => receive(JSON.parse(m.data));
  ws.onclose = (ev) => {
    if (live.socket !== ws) return; // replaced by a new filter's socket
    if (ev.code === 4401) { location.href = '/login.html?next=/live.html'; return; }
    if (ev.code === 4001) { live.position = null; status('changes were missed; started again from now'); }
    else status('disconnected (' + (ev.reason || ev.code) + '); reconnecting…');
    setTimeout(connect, live.retry);
    live.retry = Math.min(live.retry * 2, 5000);
  };
}

function receive(frame) {
  for (const c of frame.changes) {
    if (live.paused) live.held.push(c);
    else show(c);
  }
  if (frame.position) live.position = frame.position;
  document.getElementById('held-back').textContent = live.held.length;
  document.getElementById('shown').textContent = live.shown;
}

function show(c) {
  const body = document.getElementById('live');
  const change = c.change === undefined ? '' : JSON.stringify(c.change);
  body.prepend(el('tr', { dataset: { rev: c.rev, key: c.key, id: c.id, op: c.op } },
    el('td', {}, new Date(c.time).toISOString().slice(11, 23)),
    el('td', {}, el('a', { href: '/?key=' + encodeURIComponent(c.key) }, c.key)),
    el('td', {}, el('span', { class: 'badge' }, c.op)), el('td', {}, c.rev), el('td', {}, c.writer || ''),
    el('td', {}, el('code', {}, change.length > 200 ? change.slice(0, 200) + '…' : change))));
  live.shown++;
  while (body.childElementCount > MAX_ROWS) body.lastElementChild.remove();
}

function togglePause() {
  live.paused = !live.paused;
  document.getElementById('pause').textContent = live.paused ? 'Resume' : 'Pause';
  if (!live.paused) {
    live.held.forEach(show);
    live.held = [];
    document.getElementById('held-back').textContent = 0;
    document.getElementById('shown').textContent = live.shown;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('pause').addEventListener('click', togglePause);
  document.getElementById('filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    live.filter = { prefix: document.getElementById('prefix').value.trim(), ops: document.getElementById('ops').value.trim() };
    document.getElementById('live').replaceChildren();
    const old = live.socket;
    live.socket = null;
    if (old) old.close();
    live.position = null; // a new filter starts from now
    connect();
  });
  session().then(connect).catch(() => {});
});
