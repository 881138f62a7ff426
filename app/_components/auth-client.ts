'use client';

import { adminClient } from 'better-auth/client/plugins';
import { createAuthClient } from 'better-auth/react';

/** better-auth's browser client: same-origin /api/auth endpoints. */
export const authClient = createAuthClient({ plugins: [adminClient()] });
