'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('login');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const message = document.getElementById('message');
    message.textContent = '';
    const r = await fetch('/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: form.role.value, password: form.password.value }),
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      message.textContent = data.error || ('HTTP ' + r.status);
      return;
    }
    form.password.value = '';
    const next = new URLSearchParams(location.search).get('next') || '/';
    // only a path of this site: the login page must not become an open redirect
    location.href = next.startsWith('/') && !next.startsWith('//') ? next : '/';
  });
});
