import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../platform/config.js';
import { adviceFor, knownErrorCodes } from '../../health/errorCatalog.js';

describe('error catalog', () => {
  const doc = readFileSync(path.join(projectRoot, 'docs', 'troubleshooting.md'), 'utf8');

  it('documents every error code at the anchor its docs link points to', () => {
    for (const code of [...knownErrorCodes, 'something_new']) {
      const anchor = adviceFor(code).docsPath.split('#')[1] as string;
      expect(doc, code).to.contain(`\n## ${anchor}\n`);
    }
  });

  it('tells the user to reconnect the named provider when only they can fix it', () => {
    for (const code of ['token_revoked', 'scope_missing', 'unauthorized']) {
      expect(adviceFor(code, 'gmail').steps[0]).to.match(/^Reconnect Gmail/);
    }
    expect(adviceFor('token_revoked', 'slack').message).to.contain('Slack');
  });

  it('answers a refused target the same way whatever the provider, pointing at EGRESS_ALLOW', () => {
    const advice = adviceFor('target_not_allowed', 'mcp');
    expect(advice).to.deep.equal({ ...adviceFor('target_not_allowed', 'http'), docsPath: 'troubleshooting.md#target_not_allowed' });
    expect(advice.steps.join(' ')).to.contain('EGRESS_ALLOW');
  });
});
