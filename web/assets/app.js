// The dashboard's only script: copy buttons, local times, the live event log and sign-in links. Pages work
// without it (fields are selectable, times read in UTC, the log refreshes on reload).
(() => {
  const live = document.createElement('p');
  live.className = 'sr-only';
  live.setAttribute('role', 'status');
  document.addEventListener('DOMContentLoaded', () => document.body.append(live));

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    const field = document.getElementById(button.getAttribute('data-copy') || '');
    if (!field) return;
    const text = field.value ?? field.textContent ?? '';
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text.
      field.select?.();
      copied = document.execCommand?.('copy') ?? false;
    }
    const label = button.textContent;
    button.textContent = copied ? 'Copied' : 'Select and copy';
    live.textContent = copied ? 'Copied to the clipboard.' : 'Copy failed; the text is selected.';
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });

  // Times: the server writes UTC; show them in the viewer's zone with a relative time, keeping the exact UTC in the title.
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const steps = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Infinity, 'year'],
  ];
  function ago(date) {
    let value = (date.getTime() - Date.now()) / 1000;
    for (const [size, unit] of steps) {
      if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
      value /= size;
    }
    return '';
  }
  function localiseTimes(root) {
    for (const element of root.querySelectorAll('time[datetime]')) {
      const date = new Date(element.getAttribute('datetime'));
      if (Number.isNaN(date.getTime())) continue;
      if (!element.dataset.utc) element.dataset.utc = element.getAttribute('title') || element.textContent;
      element.textContent = `${absolute.format(date)} (${ago(date)})`;
      element.setAttribute('title', element.dataset.utc);
    }
  }

  // The live event log: polls a small fragment of the first page and swaps it in when something changed.
  function startLive(container) {
    const note = document.querySelector('[data-live-note]');
    if (note) note.hidden = false;
    let newest = container.querySelector('tr[data-event-id]')?.getAttribute('data-event-id') ?? null;
    let html = null;
    const poll = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(container.dataset.liveSrc, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!response.ok) return;
        const body = await response.json();
        if (body.html === html) return;
        const before = new Set([...container.querySelectorAll('tr[data-event-id]')].map((row) => row.getAttribute('data-event-id')));
        html = body.html;
        container.innerHTML = body.html;
        localiseTimes(container);
        if (body.newest !== newest) {
          const added = [...container.querySelectorAll('tr[data-event-id]')].filter(
            (row) => !before.has(row.getAttribute('data-event-id')),
          ).length;
          if (added > 0) live.textContent = `${added} new event${added === 1 ? '' : 's'}.`;
          newest = body.newest;
        }
      } catch {
        // A failed poll is retried at the next tick; the page still shows what it had.
      }
    };
    setInterval(poll, Number(container.dataset.liveMs) || 3000);
  }

  document.addEventListener('DOMContentLoaded', () => {
    localiseTimes(document);
    const container = document.querySelector('[data-live-src]');
    if (container) startLive(container);
    // Relative times drift: refresh them every minute.
    setInterval(() => localiseTimes(document), 60_000);
  });
})();

// A sign-in link (`paybridge demo` prints one): /dashboard/sign-in#token=… fills the form and sends it.
// The token rides in the fragment, which browsers never send, so it reaches no server log.
(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.pathname !== '/dashboard/sign-in' || !token) return;
  history.replaceState(null, '', location.pathname + location.search);
  document.addEventListener('DOMContentLoaded', () => {
    const field = document.getElementById('token');
    if (!field || !field.form) return;
    field.value = token;
    field.form.submit();
  });
})();
