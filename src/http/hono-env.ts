import type { Principal } from '../auth/principal';

/** Values middleware puts on the Hono context for handlers. */
export interface HonoEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
