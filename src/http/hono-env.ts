import type { Principal } from '../auth/principal';

/** Values middleware puts on the Hono context for handlers. */
export interface HonoEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    /** Frees this request's place in its key's concurrency limit (a long-poll waits without holding one). */
    releaseKeySlot: () => void;
  };
}
