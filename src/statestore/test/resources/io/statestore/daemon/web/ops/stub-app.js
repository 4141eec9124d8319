// Stands in for dash-core's /app.js in OpsPagesBrowserTest (that server is built in another branch):
// only the two functions the ops pages may use, api() and el(), as the shared contract describes them.
async function api(path, options) {
  const r = await fetch(path, options);
  const j = await r.json();
  if (!r.ok) throw new Error(j.error);
  return j;
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
