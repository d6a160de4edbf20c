// Remembers where an integration's owner gets alert mail: the `email` claim of their token,
// stored when first seen or changed (a per-process cache keeps this off the hot path).
import type { RequestHandler } from 'express';
import type { Db } from '../platform/db.js';
import type { AuthedLocals } from './auth.js';

export function recordUserContact(db: Db): RequestHandler {
  const known = new Map<string, string>();
  return async (_req, res, next) => {
    const { userId, userEmail } = res.locals as AuthedLocals;
    if (userEmail && known.get(userId) !== userEmail) {
      await db.query(
        `INSERT INTO user_contacts (user_id, email) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = now() WHERE user_contacts.email <> excluded.email`,
        [userId, userEmail],
      );
      if (known.size > 100_000) known.clear();
      known.set(userId, userEmail);
    }
    next();
  };
}
