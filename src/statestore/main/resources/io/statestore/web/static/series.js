'use strict';

// Plots of the daemon's sampled series (GET /api/series, /api/series/range): several on one
// chart, zoomable, extended every REFRESH_MS. Robust to the endpoints being absent.
const REFRESH_MS = 10000;
const COLORS = ['#2457c5', '#c53b24', '#1f8a4c', '#8a5a1f', '#7a24c5', '#24a6c5'];
const plot = { chart: null, names: [], chosen: new Set() };

function message(text) {
  document.getElementById('message').textContent = text;
}

function namesOf(reply) {
  const list = Array.isArray(reply) ? reply : (reply && (reply.series || reply.names)) || [];
  return list.map((s) => (typeof s === 'string' ? s : s.name)).filter(Boolean);
}

async function loadNames() {
  let reply;
  try {
    reply = await api('/series');
  } catch (e) {
    plot.names = [];
    message('no series configured' + (e.message && !/^HTTP 404/.test(e.message) && !/no dashboard endpoint/.test(e.message) ? ' (' + e.message + ')' : ''));
    return;
  }
  plot.names = namesOf(reply);
  if (plot.names.length === 0) {
    message('no series configured');
    return;
  }
  if (plot.chosen.size === 0) plot.names.slice(0, 3).forEach((n) => plot.chosen.add(n));
  document.getElementById('names').replaceChildren(...plot.names.map((n) => el('label', {},
    el('input', { type: 'checkbox', checked: plot.chosen.has(n), onchange: (ev) => { if (ev.target.checked) plot.chosen.add(n); else plot.chosen.delete(n); draw(); } }),
    ' ' + n)));
}

// uPlot wants one x array shared by every series: the union of the timestamps, null where a series has no point.
function align(results) {
  const xs = [...new Set(results.flatMap((r) => r.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs.map((x) => x / 1000)];
  for (const r of results) {
    const ys = new Array(xs.length).fill(null);
    for (const [t, v] of r.points) ys[index.get(t)] = v;
    data.push(ys);
  }
  return data;
}

// Axis labels in a few characters (12.5k, 2.1M): uPlot's default prints every digit of a large
// value (bytes of memory) and its axis cuts them to "0,000".
function compact(v) {
  if (v == null) return '';
  const a = Math.abs(v);
  for (const [d, s] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) {
    if (a >= d) return +(v / d).toFixed(2) + s;
  }
  return String(+v.toFixed(2));
}

async function draw() {
  if (plot.names.length === 0) return;
  const to = Date.now();
  const from = to - Number(document.getElementById('window').value);
  const agg = document.getElementById('agg').value;
  const names = plot.names.filter((n) => plot.chosen.has(n));
  let results;
  try {
    results = await Promise.all(names.map((name) => api('/series/range?' + new URLSearchParams(
      Object.assign({ name, from, to }, agg ? { agg } : {})))));
  } catch (e) {
    message(e.message);
    return;
  }
  message(results.every((r) => r.points.length === 0) ? 'no points in this window yet' : '');
  const data = align(results);
  const box = document.getElementById('chart');
  const zoomed = plot.chart && plot.chart.scales.x && plot.zoomed;
  if (plot.chart && plot.chart.series.length === names.length + 1) {
    plot.chart.setData(data, !zoomed);
    return;
  }
  if (plot.chart) plot.chart.destroy();
  plot.chart = new uPlot({
    width: Math.max(box.clientWidth - 24, 300),
    height: 360,
    series: [{}].concat(names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], spanGaps: true }))),
    scales: { x: { time: true } },
    axes: [{}, { size: 64, values: (u, vals) => vals.map(compact) }],
    hooks: { setSelect: [() => { plot.zoomed = true; }] },
  }, data, box);
  box.addEventListener('dblclick', () => { plot.zoomed = false; });
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('window').addEventListener('change', () => { plot.zoomed = false; draw(); });
  document.getElementById('agg').addEventListener('change', draw);
  await loadNames();
  await draw();
  setInterval(draw, REFRESH_MS);
});
