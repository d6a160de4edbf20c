// `pulse credentials rotate`: re-seal every stored token with the current (first) key of
// CREDENTIALS_KEYS (OAuth tokens and webhook targets), after which the old key can be removed.
// See docs/security.md. Audited as `credentials.rotate` (cli/audit.ts): refused when the audit
// trail cannot be reached.
import type { Command } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import { createCredentialStore } from '../platform/credentialStore.js';
import { createDb, type Db } from '../platform/db.js';
import { createWebhookTargetStore } from '../platform/webhookTargets.js';
import { audited } from './audit.js';

export function registerCredentialCommands(program: Command): void {
  const credentials = program.command('credentials').description('manage the encrypted OAuth credential store');
  credentials.command('rotate')
    .description('re-encrypt every stored token with the first key in CREDENTIALS_KEYS')
    .action(async () => {
      const config = loadConfig();
      const db = createDb(config.databaseUrl, 2);
      try {
        await audited(config, 'credentials rotate', 'credentials.rotate', `key ${config.credentialKeys[0]?.id}`, () => rotate(config, db));
      } finally {
        await db.end();
      }
    });
}

async function rotate(config: Config, db: Db): Promise<void> {
  const { rotated, unknownKey } = await createCredentialStore(db, config.credentialKeys).rotate();
  console.log(`re-encrypted ${rotated} integration credential${rotated === 1 ? '' : 's'} with key "${config.credentialKeys[0]?.id}"`);
  if (unknownKey) console.log(`${unknownKey} sealed with keys no longer in CREDENTIALS_KEYS could not be opened; those integrations must be reconnected`);
  const webhooks = await createWebhookTargetStore(db, config.credentialKeys).rotate();
  console.log(`re-encrypted ${webhooks.rotated} webhook target${webhooks.rotated === 1 ? '' : 's'} (URL and signing secret)`);
  if (webhooks.unknownKey) console.log(`${webhooks.unknownKey} webhook targets sealed with unknown keys could not be opened; re-create those webhooks`);
}
