import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../../src/http/error-handler';
import type { HonoEnv } from '../../../src/http/hono-env';
import { limitPerKey } from '../../../src/http/key-limits';

/**
 * A long-poll gives its place in the key's concurrency limit back before it waits (routes.ts calls
 * `releaseKeySlot`), so thousands of waits do not lock the key out of everything else.
 */
describe('a waiting request releases its key slot', () => {
  function appWith(release: boolean) {
    const gate = { open: () => {} };
    const opened = new Promise<void>((resolve) => (gate.open = resolve));
    const app = new Hono<HonoEnv>();
    app.use('*', limitPerKey({ apiRatePerKey: 1000, apiConcurrencyPerKey: 2, checkRatePerKey: 1000, checkConcurrencyPerKey: 2 }));
    app.get('/wait', async (c) => {
      if (release) c.get('releaseKeySlot')();
      await opened;
      return c.json({ ok: true });
    });
    app.get('/now', (c) => c.json({ ok: true }));
    app.onError(handleError({ logger: { warn: () => {}, error: () => {} } } as never));
    const call = (path: string) => app.request(path, { headers: { authorization: 'Bearer some-key-token' } });
    return { call, open: gate.open };
  }

  it('with release: five waits beyond a limit of two, and a normal request still passes', async () => {
    const { call, open } = appWith(true);
    const waits = Array.from({ length: 5 }, () => call('/wait'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await call('/now')).status).toBe(200);
    open();
    for (const response of await Promise.all(waits)) expect(response.status).toBe(200);
  });

  it('without release: the third request in flight is refused with 429', async () => {
    const { call, open } = appWith(false);
    const waits = [call('/wait'), call('/wait')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await call('/now');
    expect(refused.status).toBe(429);
    open();
    for (const response of await Promise.all(waits)) expect(response.status).toBe(200);
    expect((await call('/now')).status).toBe(200);
  });
});
