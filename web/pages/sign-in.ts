import { html } from 'hono/html';
import { layout, type Html } from '../layout';

export function signInPage(options: { formToken: string; next: string; error?: string }): Html {
  return layout(
    { title: 'Sign in' },
    html`<h1>Sign in</h1>
      <p>Paste the admin token (printed once when Paybridge first started) or one of your tenant's API keys.</p>
      <form method="post" action="/dashboard/sign-in" class="card narrow">
        <input type="hidden" name="_signin" value="${options.formToken}" />
        <input type="hidden" name="next" value="${options.next}" />
        <label for="token">Admin token or API key</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          spellcheck="false"
          aria-describedby="token-hint${options.error ? ' token-error' : ''}"
          ${options.error ? html` aria-invalid="true"` : ''}
        />
        <p class="hint" id="token-hint">
          Starts with <code>pb_admin_</code> or <code>pb_key_</code>. It is sent once and never shown again.
        </p>
        ${options.error ? html`<p class="field-error" id="token-error" role="alert">${options.error}</p>` : ''}
        <button type="submit">Sign in</button>
      </form>`,
  );
}
