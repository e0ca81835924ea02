/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export interface MailLayout {
  /** Shown by mail clients next to the subject. */
  preview: string;
  heading: string;
  paragraphs: string[];
  /** Label and value pairs, such as "Amount due" and "20.00 USD". */
  facts: [string, string][];
  button?: { label: string; url: string };
  footer: string;
}

/**
 * One HTML mail layout for every message: a single centred column with inline styles only (mail
 * clients drop <style> blocks and external CSS), and every value escaped here, so callers pass text.
 */
export function renderMailHtml(mail: MailLayout): string {
  const e = escapeHtml;
  const facts = mail.facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:6px 0;color:#5c6478">${e(label)}</td><td style="padding:6px 0;text-align:right;font-weight:600">${e(value)}</td></tr>`,
    )
    .join('');
  const button = mail.button
    ? `<p style="margin:24px 0"><a href="${e(mail.button.url)}" style="display:inline-block;background:#635bff;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">${e(mail.button.label)}</a></p>
<p style="font-size:13px;color:#5c6478">Or open this link: <a href="${e(mail.button.url)}" style="color:#635bff;word-break:break-all">${e(mail.button.url)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(mail.heading)}</title></head>
<body style="margin:0;padding:0;background:#f6f9fc;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1a1f36">
<span style="display:none;max-height:0;overflow:hidden">${e(mail.preview)}</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f9fc"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border:1px solid #e3e8ee;border-radius:10px"><tr><td style="padding:24px">
<h1 style="font-size:22px;margin:0 0 16px">${e(mail.heading)}</h1>
${mail.paragraphs.map((p) => `<p style="margin:0 0 12px;line-height:1.5">${e(p)}</p>`).join('\n')}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-top:1px solid #e3e8ee;border-bottom:1px solid #e3e8ee;margin:16px 0">${facts}</table>
${button}
<p style="font-size:13px;color:#5c6478;margin:16px 0 0">${e(mail.footer)}</p>
</td></tr></table></td></tr></table></body></html>`;
}
