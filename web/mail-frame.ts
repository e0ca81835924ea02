import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** The one dashboard path that answers a stored mail's HTML part as a document of its own. */
export const MAIL_HTML_PATH = /^\/dashboard\/tenants\/[^/]+\/mail\/[^/]+\/html$/;

/**
 * Headers of the mail's HTML part: a document written for mail clients (inline styles, perhaps remote
 * images and links), shown only inside the mail page's sandboxed frame. Its own policy lets inline
 * styles through and nothing else: no script, no request anywhere (remote images would tell the
 * sender who read it and when), no form; `sandbox` gives it an opaque origin even when opened on its
 * own, and only this server's pages may frame it.
 */
export const mailFrameHeaders: MiddlewareHandler = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ['data:'],
    formAction: ["'none'"],
    frameAncestors: ["'self'"],
    baseUri: ["'none'"],
    sandbox: [],
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'SAMEORIGIN',
  crossOriginResourcePolicy: 'same-origin',
});
