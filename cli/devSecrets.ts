// Local development secrets, generated once into the git-ignored .stack folder so `npm start`
// works on a fresh clone. Production sets JWT_SECRET in the environment, which always wins.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stackDir } from '../platform/config.js';

export function ensureDevSecrets(): void {
  const file = path.join(stackDir, 'dev-secrets.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const wanted = {
    jwtSecret: randomBytes(32).toString('base64url'),
    credentialsKeys: `dev1:${randomBytes(32).toString('base64')}`,
    ...current,
  };
  if (JSON.stringify(wanted) === JSON.stringify(current)) return;
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(file, JSON.stringify(wanted), { mode: 0o600 });
}
