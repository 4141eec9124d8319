// The Events, Tasks and Daemon pages (docs/dashboard-ops.md), in one file: shared helpers, then
// each page's code; a page names itself in <body data-page="...">. Plain JS; uses only api() and
// el() from /app.js, which every page loads first. No inline scripts, so a strict CSP can apply.
'use strict';

// Where the server mounts the WebRoutes (the contract: each path under /api).
const OPS_API = '/api';

function opsGet(path) {
  return api(OPS_API + path);
}

function opsPost(path, body) {
  return api(OPS_API + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body || {}),
  });
}

// The caller's role, asked once per page: buttons that would only be refused are not shown.
let opsAccess = null;
function opsRole() {
  if (!opsAccess) {
    opsAccess = api(OPS_API + '/me').then((me) => me.access).catch(() => 'READER');
  }
  return opsAccess;
}

const OPS_RANK = { READER: 0, WRITER: 1, ADMIN: 2 };
function opsAllows(role, needed) {
  return (OPS_RANK[role] || 0) >= OPS_RANK[needed];
}

function opsText(v) {
  return v === null || v === undefined || v === '' ? '–' : String(v);
}

function opsBytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
}

// A duration in ms as "850 ms", "12.3 s", "4 min", "2.5 h", "3 d".
function opsDuration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '–';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  if (ms < 3600000) return Math.round(ms / 60000) + ' min';
  if (ms < 86400000) return (ms / 3600000).toFixed(1) + ' h';
  return (ms / 86400000).toFixed(1) + ' d';
}

function opsTime(ms) {
  if (ms === null || ms === undefined) return '–';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function opsAgo(ms) {
  return ms === null || ms === undefined ? '–' : opsDuration(Date.now() - ms) + ' ago';
}

// A table: columns are [heading, row => cell]; a cell is text or a node. rowAttrs(row) gives
// the <tr>'s attributes (data-* for tests and links).
function opsTable(columns, rows, rowAttrs) {
  const head = el('tr', {}, ...columns.map((c) => el('th', {}, c[0])));
  const body = rows.map((r) => el('tr', rowAttrs ? rowAttrs(r) : {},
    ...columns.map((c) => {
      const v = c[1](r);
      return el('td', {}, v instanceof Node ? v : opsText(v));
    })));
  if (rows.length === 0) {
    body.push(el('tr', {}, el('td', { colspan: String(columns.length), class: 'empty' }, 'none')));
  }
  return el('table', {}, el('thead', {}, head), el('tbody', {}, ...body));
}

// Replaces the content of the element with id `id` by `nodes`.
function opsShow(id, ...nodes) {
  const target = document.getElementById(id);
  target.replaceChildren(...nodes);
}

function opsError(id, e) {
  opsShow(id, el('p', { class: 'error' }, e && e.message ? e.message : String(e)));
}

function opsButton(label, attrs, onClick) {
  const b = el('button', Object.assign({ type: 'button' }, attrs), label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onClick();
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// Calls load() now and every `ms` while the page is visible (a hidden tab asks nothing).
function opsEvery(ms, load) {
  load();
  setInterval(() => {
    if (!document.hidden) load();
  }, ms);
}

function opsSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- The Events page: streams, consumer groups, dead letters and redrive ----

const DEAD_PAGE = 50;
let deadNext = null;

async function loadStreams() {
  try {
    const streams = await opsGet('/events/streams');
    opsShow('streams', opsTable([
      ['kind', (s) => s.kind],
      ['type', (s) => s.type || '(all events)'],
      ['length', (s) => s.length],
      ['first ID', (s) => s.firstId],
      ['last ID', (s) => s.lastId],
      ['last entry', (s) => opsAgo(s.lastEntryMs)],
      ['rate /s', (s) => (s.rateEstimated ? '≈ ' : '') + s.ratePerSecond.toFixed(2)],
      ['groups', (s) => s.groups],
    ], streams, (s) => ({ 'data-stream': s.key, 'data-kind': s.kind, 'data-type': s.type })));
    fillTypeChoice(streams.filter((s) => s.kind === 'dlq').map((s) => s.type));
  } catch (e) {
    opsError('streams', e);
  }
}

async function loadGroups() {
  try {
    const groups = await opsGet('/events/groups');
    opsShow('groups', opsTable([
      ['stream', (g) => g.type || '(all events)'],
      ['group', (g) => g.group],
      ['consumers', (g) => g.consumers.map((c) => c.name + ' (' + c.pending + ' pending, idle '
        + opsDuration(c.idleMs) + ')').join(', ') || String(g.consumerCount)],
      ['pending', (g) => g.pending],
      ['lag', (g) => (g.lag === null ? '?' : g.lag)],
      ['oldest pending', (g) => (g.pending === 0 ? '–' : opsDuration(g.oldestPendingAgeMs))],
      ['last delivered', (g) => g.lastDeliveredId],
    ], groups, (g) => ({ 'data-group': g.group, 'data-stream': g.stream })));
  } catch (e) {
    opsError('groups', e);
  }
}

// The type filter lists the types that have a dead-letter stream; the choice survives refreshes.
function fillTypeChoice(types) {
  const select = document.getElementById('dead-type');
  const known = Array.from(select.options).map((o) => o.value);
  for (const t of types) {
    if (!known.includes(t)) select.append(el('option', { value: t }, t));
  }
}

function deadQuery(after) {
  const type = document.getElementById('dead-type').value;
  const q = new URLSearchParams({ limit: String(DEAD_PAGE) });
  if (type) q.set('type', type);
  if (after) q.set('after', after);
  return '/events/dead?' + q.toString();
}

function deadRows(page) {
  return opsTable([
    ['dead since', (d) => opsTime(Number(d.dlqId.split('-')[0]))],
    ['type', (d) => d.type],
    ['event ID', (d) => d.eventId],
    ['error', (d) => el('code', {}, d.error)],
    ['deliveries', (d) => d.deliveries],
    ['group / consumer', (d) => d.group + ' / ' + d.consumer],
    ['redriven', (d) => d.redriven],
    ['data', (d) => el('code', { title: JSON.stringify(d.data) }, abbreviate(JSON.stringify(d.data), 120))],
  ], page.deadLetters, (d) => ({ 'data-dead': d.dlqId, 'data-type': d.type }));
}

function abbreviate(text, n) {
  return text && text.length > n ? text.slice(0, n - 1) + '…' : text;
}

async function loadDead() {
  try {
    const page = await opsGet(deadQuery(null));
    opsShow('dead', deadRows(page));
    deadNext = page.next;
    showMore();
  } catch (e) {
    opsError('dead', e);
  }
}

function showMore() {
  if (!deadNext) {
    opsShow('dead-more');
    return;
  }
  opsShow('dead-more', opsButton('Load more', { class: 'more' }, async () => {
    try {
      const page = await opsGet(deadQuery(deadNext));
      const tbody = document.querySelector('#dead tbody');
      deadRows(page).querySelectorAll('tbody tr').forEach((tr) => tbody.append(tr));
      deadNext = page.next;
      showMore();
    } catch (e) {
      opsError('dead-more', e);
    }
  }));
}

// Redrive moves a type's dead letters back to its stream (every group sees them again): writer role.
async function showRedrive() {
  const role = await opsRole();
  if (!opsAllows(role, 'WRITER')) return;
  opsShow('redrive-box', opsButton('Redrive this type', { class: 'redrive' }, async () => {
    const type = document.getElementById('dead-type').value;
    if (!type) {
      opsShow('redrive-result', el('p', { class: 'error' }, 'Choose a type first: redrive works on one type at a time.'));
      return;
    }
    if (!confirm('Move all dead letters of ' + type + ' back to its stream? Every group will receive them again.')) return;
    try {
      const r = await opsPost('/events/dead/' + encodeURIComponent(type) + '/redrive', {});
      opsShow('redrive-result', el('p', { class: 'ok' }, r.redriven + ' dead letter(s) of ' + r.type + ' moved back'));
      loadDead();
      loadStreams();
    } catch (e) {
      opsError('redrive-result', e);
    }
  }));
}

function eventsPage() {
  document.getElementById('dead-type').addEventListener('change', loadDead);
  opsEvery(5000, () => {
    loadStreams();
    loadGroups();
  });
  loadDead();
  showRedrive();
}

// ---- The Tasks page: the task streams, and a live tail of one ----

let tailRun = 0; // a new tail makes the running one stop at its next turn

async function loadTasks() {
  try {
    const list = await opsGet('/tasks');
    const table = opsTable([
      ['task', (t) => {
        const a = el('a', { href: '#' + encodeURIComponent(t.id) }, t.id);
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          location.hash = encodeURIComponent(t.id);
          followTask(t.id);
        });
        return a;
      }],
      ['state', (t) => t.state + (t.message ? ': ' + t.message : '')],
      ['entries', (t) => t.length],
      ['started', (t) => opsTime(t.startedMs)],
      ['last entry', (t) => opsAgo(t.lastEntryMs)],
      ['kept for', (t) => (t.ttlMs < 0 ? 'no TTL' : opsDuration(t.ttlMs))],
    ], list.tasks, (t) => ({ 'data-task': t.id, 'data-state': t.state }));
    opsShow('tasks', table);
    if (list.truncated) {
      document.getElementById('tasks').append(el('p', { class: 'note' }, 'Only the first ' + list.tasks.length + ' tasks are listed.'));
    }
  } catch (e) {
    opsError('tasks', e);
  }
}

// Follows one task: everything from its start, then long polls (the server waits up to 10 s for
// new output). A poll that returns at once with nothing (the server had no long-poll slot free,
// or an error) is repeated at most once a second.
async function followTask(id) {
  const run = ++tailRun;
  const out = document.getElementById('tail-output');
  out.textContent = '';
  opsShow('tail-task', id);
  opsShow('tail-state', '(reading)');
  opsShow('tail-error');
  let after = '';
  while (run === tailRun) {
    const started = Date.now();
    try {
      const q = new URLSearchParams({ limit: '500', wait: '10' });
      if (after) q.set('after', after);
      const page = await opsGet('/tasks/' + encodeURIComponent(id) + '/entries?' + q.toString());
      if (run !== tailRun) return;
      opsShow('tail-error');
      for (const e of page.entries) {
        if (e.kind === 'chunk') {
          out.append(document.createTextNode(e.text));
        } else {
          out.append(el('span', { class: 'end end-' + e.status, 'data-end': e.status },
            '\n[' + e.status + (e.message ? ': ' + e.message : '') + ']\n'));
        }
      }
      after = page.last;
      opsShow('tail-state', '(' + page.state + ')');
      if (page.ended) return;
      if (page.entries.length > 0) continue;
    } catch (e) {
      if (run !== tailRun) return;
      opsError('tail-error', e);
      if (/^no task /.test(e.message)) return; // expired or never started: polling will not bring it back
    }
    const spent = Date.now() - started;
    if (spent < 1000) await opsSleep(1000 - spent);
  }
}

function tasksPage() {
  opsEvery(5000, loadTasks);
  if (location.hash.length > 1) followTask(decodeURIComponent(location.hash.slice(1)));
}

// ---- The Daemon page: status, jobs, server, backups ----

function facts(pairs) {
  return el('dl', {}, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, opsText(v))]));
}

function showServer(s) {
  const p = s.persistence;
  const r = s.replication;
  opsShow('server', facts([
    ['server', s.version + ' (' + s.topology + ')'],
    ['role', r.role + (r.masterHost ? ' of ' + r.masterHost + ':' + r.masterPort + ', link ' + r.masterLinkStatus : '')
      + (r.connectedReplicas ? ', ' + r.connectedReplicas + ' replica(s)' : '')],
    ['memory', opsBytes(s.memory.usedBytes) + ' used, peak ' + opsBytes(s.memory.peakBytes) + ', RSS '
      + opsBytes(s.memory.rssBytes) + (s.memory.maxmemoryBytes > 0 ? ', max ' + opsBytes(s.memory.maxmemoryBytes) : ', no maxmemory')
      + ', policy ' + s.memory.policy],
    ['clients', s.clients.connected + ' connected, ' + s.clients.blocked + ' blocked'],
    ['ops/s', s.opsPerSec],
    ['AOF', p.aofEnabled ? 'on, last write ' + p.aofLastWriteStatus + ', last rewrite ' + p.aofLastRewriteStatus
      + (p.aofRewriteInProgress ? ' (rewriting)' : '') : 'off'],
    ['RDB', 'last save ' + opsTime(p.rdbLastSaveMs) + ' (' + p.rdbLastBgsaveStatus + '), ' + p.rdbChangesSinceSave
      + ' changes since' + (p.rdbSaveInProgress ? ' (saving)' : '')],
  ]));
  opsShow('problems', ...s.problems.map((m) => el('p', { class: 'error problem' }, m)));
}

async function loadDaemon() {
  try {
    const o = await opsGet('/daemon');
    showServer(o.server);
    opsShow('daemons', opsTable([
      ['daemon', (d) => d.id],
      ['state', (d) => (d.alive ? 'alive' : 'no heartbeat')],
      ['last heartbeat', (d) => opsDuration(d.heartbeatAgeMs) + ' ago (every ' + opsDuration(d.intervalMs) + ')'],
      ['pid / host', (d) => d.pid + ' on ' + d.host],
      ['started', (d) => d.started],
    ], o.daemons, (d) => ({ 'data-daemon': d.id })));
    opsShow('jobs', opsTable([
      ['job', (j) => j.name + (j.running ? ' (running)' : '')],
      ['schedule', (j) => j.schedule],
      ['last run', (j) => j.lastRun],
      ['result', (j) => (j.result || 'never ran') + (j.error ? ': ' + j.error : '')],
      ['took', (j) => (j.durationMs === null ? null : opsDuration(j.durationMs))],
      ['on', (j) => j.ranOn],
      ['figures', (j) => Object.entries(j.figures).map(([k, v]) => k + '=' + v).join(', ')],
      ['next run', (j) => opsTime(j.nextRunMs)],
    ], o.jobs, (j) => ({ 'data-job': j.name, 'data-result': j.result || '' })));
    opsShow('status', opsTable([['field', (e) => e[0]], ['value', (e) => e[1]]], Object.entries(o.status)));
  } catch (e) {
    opsError('server', e);
  }
}

async function loadBackups() {
  const admin = opsAllows(await opsRole(), 'ADMIN');
  try {
    const list = await opsGet('/daemon/backups');
    const columns = [
      ['backup', (b) => b.name],
      ['taken', (b) => opsTime(b.takenMs)],
      ['size', (b) => opsBytes(b.sizeBytes)],
    ];
    if (admin) {
      columns.push(['', (b) => opsButton('Verify', { class: 'verify' }, () => verifyBackup(b.name))]);
    }
    opsShow('backups', el('p', { class: 'note' }, 'In ' + list.dir), opsTable(columns, list.backups, (b) => ({ 'data-backup': b.name })));
  } catch (e) {
    opsError('backups', e);
  }
}

async function verifyBackup(name) {
  opsShow('backup-result', el('p', {}, 'Verifying ' + name + '…'));
  try {
    const v = await opsPost('/daemon/backups/' + encodeURIComponent(name) + '/verify', {});
    opsShow('backup-result', v.ok ? el('p', { class: 'ok' }, name + ' is sound (checked by ' + v.verifiedBy + ')')
      : el('p', { class: 'error' }, name + ' is NOT sound: ' + v.error));
  } catch (e) {
    opsError('backup-result', e);
  }
}

// Taking a backup is the admin's: it snapshots the whole store and loads the server.
async function showBackupNow() {
  if (!opsAllows(await opsRole(), 'ADMIN')) return;
  opsShow('backup-now-box', opsButton('Take a backup now', { id: 'backup-now' }, async () => {
    opsShow('backup-result', el('p', {}, 'Taking a backup…'));
    try {
      const t = await opsPost('/daemon/backups', {});
      opsShow('backup-result', el('p', { class: 'ok' }, t.name + ': ' + opsBytes(t.sizeBytes) + ' via ' + t.source
        + ', verified by ' + t.verifiedBy + ' in ' + opsDuration(t.tookMs)
        + (t.rotatedAway.length ? '; rotated away ' + t.rotatedAway.join(', ') : '')));
      loadBackups();
    } catch (e) {
      opsError('backup-result', e);
    }
  }));
}

function daemonPage() {
  opsEvery(5000, loadDaemon);
  loadBackups();
  showBackupNow();
}

// ---- Start the page this is ----

document.addEventListener('DOMContentLoaded', () => {
  const pages = { events: eventsPage, tasks: tasksPage, daemon: daemonPage };
  const start = pages[document.body.dataset.page];
  if (start) start();
});
