// The dashboard's only script: copy buttons and sign-in links. Pages work without it (the fields are selectable).
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
