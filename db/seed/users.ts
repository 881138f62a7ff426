import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import type { Db } from '../client';
import type { Role } from '../schema';

export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  { email: 'admin@example.com', name: 'Avery Admin', role: 'admin' },
  { email: 'staff@example.com', name: 'Sam Staff', role: 'staff' },
];

/** DEMO_PASSWORD, or a random one (printed by the caller) so no guessable default ever ships. */
export function demoPassword(): { password: string; generated: boolean } {
  const fromEnv = process.env.DEMO_PASSWORD;
  if (fromEnv) return { password: fromEnv, generated: false };
  return { password: randomBytes(9).toString('base64url'), generated: true };
}

/**
 * Creates (or resets the password of) the demo admin and staff users, in better-auth's own format
 * (scrypt hash in auth_account, provider "credential"), so sign-in goes through better-auth unchanged.
 */
export async function seedDemoUsers(db: Db, password: string): Promise<void> {
  const hash = await hashPassword(password);
  for (const u of DEMO_USERS) {
    await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('auth_user')
        .values({ id: randomUUID(), email: u.email, name: u.name, role: u.role, emailVerified: true })
        .onConflict((oc) => oc.column('email').doUpdateSet({ role: u.role, name: u.name }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('auth_account').where('userId', '=', user.id).where('providerId', '=', 'credential').execute();
      await trx
        .insertInto('auth_account')
        .values({ id: randomUUID(), accountId: user.id, providerId: 'credential', userId: user.id, password: hash })
        .execute();
    });
  }
}
