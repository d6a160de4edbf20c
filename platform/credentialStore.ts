// The one table that holds secrets: OAuth tokens per integration, sealed with AES-256-GCM.
// Token values leave this module only to go to the provider; callers must never log them.
import type { Db, Tx } from './db.js';
import { inTransaction } from './db.js';
import { SecretBox, type SealingKey } from './secretBox.js';

export interface StoredCredentials {
  accessToken: string;
  refreshToken: string | null;
  appToken: string | null;
  scopes: string[];
  expiresAt: number | null;
  /** Non-secret account identifier (e.g. the email), offered as login hint on reconnect. */
  accountHint: string | null;
  refreshedAt: number;
}

interface Secrets {
  accessToken: string;
  refreshToken: string | null;
  appToken: string | null;
}

export interface CredentialStore {
  save(integrationId: string, provider: string, c: Omit<StoredCredentials, 'refreshedAt'>, tx?: Tx): Promise<void>;
  load(integrationId: string): Promise<StoredCredentials | null>;
  /**
   * Runs `fn` holding the row lock, so one refresh happens at a time per integration even
   * across worker processes; whatever `fn` returns is saved in the same transaction.
   */
  withLock<T>(integrationId: string, fn: (current: StoredCredentials | null) => Promise<{ save?: Omit<StoredCredentials, 'refreshedAt'>; result: T }>): Promise<T>;
  /**
   * Re-seals every row sealed with an older configured key under the current key. Rows sealed
   * with a key that is not configured any more cannot be opened and are only counted.
   */
  rotate(): Promise<{ rotated: number; unknownKey: number }>;
}

export function createCredentialStore(db: Db, keys: SealingKey[]): CredentialStore {
  const box = new SecretBox(keys);

  const fromRow = (r: Record<string, any>): StoredCredentials => {
    const secrets = JSON.parse(box.open({ keyId: r.key_id, iv: r.iv, tag: r.auth_tag, ciphertext: r.ciphertext }, r.integration_id)) as Secrets;
    return {
      ...secrets, scopes: r.scopes, expiresAt: r.expires_at ? r.expires_at.getTime() : null,
      accountHint: r.account_hint, refreshedAt: r.refreshed_at.getTime(),
    };
  };

  const write = async (q: Db | Tx, integrationId: string, provider: string | null, c: Omit<StoredCredentials, 'refreshedAt'>) => {
    const secrets: Secrets = { accessToken: c.accessToken, refreshToken: c.refreshToken, appToken: c.appToken };
    const sealed = box.seal(JSON.stringify(secrets), integrationId);
    await q.query(
      `INSERT INTO integration_credentials (integration_id, provider, key_id, iv, auth_tag, ciphertext, scopes, expires_at, account_hint)
       VALUES ($1, coalesce($2, ''), $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), $9)
       ON CONFLICT (integration_id) DO UPDATE SET
         provider = coalesce($2, integration_credentials.provider), key_id = excluded.key_id, iv = excluded.iv,
         auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext, scopes = excluded.scopes,
         expires_at = excluded.expires_at, account_hint = coalesce(excluded.account_hint, integration_credentials.account_hint),
         refreshed_at = now(), updated_at = now()`,
      [integrationId, provider, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, c.scopes, c.expiresAt, c.accountHint],
    );
  };

  return {
    save: (integrationId, provider, c, tx) => write(tx ?? db, integrationId, provider, c),

    async load(integrationId) {
      const { rows } = await db.query('SELECT * FROM integration_credentials WHERE integration_id = $1', [integrationId]);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    withLock: (integrationId, fn) =>
      inTransaction(db, async (tx) => {
        const { rows } = await tx.query('SELECT * FROM integration_credentials WHERE integration_id = $1 FOR UPDATE', [integrationId]);
        const { save, result } = await fn(rows[0] ? fromRow(rows[0]) : null);
        if (save) await write(tx, integrationId, null, save);
        return result;
      }),

    async rotate() {
      const known = keys.map((k) => k.id);
      const { rows } = await db.query('SELECT integration_id FROM integration_credentials WHERE key_id <> $1 AND key_id = ANY($2)', [box.currentKeyId, known]);
      const { rows: lost } = await db.query('SELECT count(*)::int AS n FROM integration_credentials WHERE NOT (key_id = ANY($1))', [known]);
      for (const { integration_id: id } of rows) {
        await inTransaction(db, async (tx) => {
          const { rows: locked } = await tx.query('SELECT * FROM integration_credentials WHERE integration_id = $1 FOR UPDATE', [id]);
          if (locked[0] && locked[0].key_id !== box.currentKeyId) await write(tx, id, null, fromRow(locked[0]));
        });
      }
      return { rotated: rows.length, unknownKey: lost[0].n as number };
    },
  };
}
