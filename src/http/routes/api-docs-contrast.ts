/**
 * Served after Swagger UI's own stylesheet at /api/docs: its method badges, version stamps, links and
 * Authorize button have white or light text under WCAG's 4.5:1 (axe-core's scan in
 * test/dashboard/accessibility.test.ts). Same hues, darkened until each reads at 5:1 or more.
 */
export const API_DOCS_CONTRAST_CSS = `
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #0b5cad; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #0b7a3e; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a14f00; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0d7a6a; }
.swagger-ui .opblock.opblock-head .opblock-summary-method,
.swagger-ui .opblock.opblock-options .opblock-summary-method { background: #6b2fa3; }
.swagger-ui .info .title small { background: #4f5563; }
.swagger-ui .info .title small.version-stamp { background: #3d6b00; }
.swagger-ui .info a, .swagger-ui .info .url { color: #1d5fa8; }
.swagger-ui .btn.authorize { color: #0b7a3e; border-color: #0b7a3e; }
.swagger-ui .btn.authorize svg { fill: #0b7a3e; }
`;
