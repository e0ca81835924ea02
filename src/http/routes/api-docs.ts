import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { API_DOCS_CONTRAST_CSS } from './api-docs-contrast';

/** Swagger UI's files, served from node_modules: the reference works offline and loads nothing from a CDN. */
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
};

// No inline script: the page's configuration is a file of its own, so the policy needs no 'unsafe-inline' for scripts.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    // Off: with deep links each operation's path is a link inside its expand button, which screen
    // readers cannot reach (axe's nested-interactive). The operations keep their ids all the same.
    deepLinking: false,
    // The public validator badge would send the document to another site.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Paybridge API reference</title>
    <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
    <link rel="stylesheet" href="/api/docs/assets/contrast.css">
    <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
  </head>
  <body>
    <main id="swagger-ui"><noscript>The reference needs JavaScript; the document itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</noscript></main>
    <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/api/docs/assets/init.js"></script>
  </body>
</html>
`;

/**
 * `/api/docs`: the API reference, rendered in the browser from `/api/openapi.json`. It has a policy of
 * its own, as strict as the dashboard's (which it leaves alone): scripts, styles and calls to this
 * server only, nothing inline, no frames, no forms. Swagger UI sets styles through the DOM, which such a
 * policy allows; the browser test fails on any violation.
 */
export function apiDocsRoutes() {
  const router = new Hono();
  const cache = new Map<string, Buffer>();
  router.use(
    '/api/docs',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
    }),
  );
  router.use('/api/docs/assets/*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));

  router.get('/api/docs', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(PAGE);
  });
  router.get('/api/docs/assets/init.js', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(INIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });
  router.get('/api/docs/assets/contrast.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(API_DOCS_CONTRAST_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  router.get('/api/docs/assets/:name', async (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) return c.notFound();
    // Read once: the bundle is 1.7 MB and never changes while the process runs.
    let bytes = cache.get(asset.file);
    if (!bytes) {
      bytes = await readFile(join(swaggerDir, asset.file));
      cache.set(asset.file, bytes);
    }
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': asset.type });
  });
  return router;
}
