import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { encodedForms, findLeaks } from '../support/secretScan.js';

// The widened no-secret test is only as good as its search: these prove it finds a secret in
// each encoding, wherever it sits inside a longer encoded value.
describe('secret scan', () => {
  const secret = { name: 'token', value: 'sk_live/9f8e+7d6c "5b4a" ü' };

  it('finds the secret as is and URL-, form- and JSON-encoded', () => {
    for (const text of [secret.value, encodeURIComponent(secret.value), new URLSearchParams({ q: secret.value }).toString(), JSON.stringify({ s: secret.value })]) {
      expect(findLeaks([secret], { here: `before ${text} after` }).length, text).to.be.greaterThan(0);
    }
  });

  it('finds it in base64, base64url and hex at every byte offset inside a longer value', () => {
    for (let pad = 0; pad < 6; pad++) {
      const blob = Buffer.concat([randomBytes(pad), Buffer.from(secret.value), randomBytes(pad + 1)]);
      for (const text of [blob.toString('base64'), blob.toString('base64url'), blob.toString('hex'), blob.toString('hex').toUpperCase()]) {
        expect(findLeaks([secret], { here: text }).length, `pad ${pad}: ${text}`).to.be.greaterThan(0);
      }
    }
  });

  it('finds a binary key by its bytes, and nothing in unrelated text', () => {
    const key = randomBytes(32);
    expect(findLeaks([{ name: 'key', value: key }], { here: `k1:${key.toString('base64')}` })).to.have.length.greaterThan(0);
    expect(findLeaks([{ name: 'key', value: key }, secret], { here: randomBytes(4096).toString('base64') + randomBytes(4096).toString('hex') })).to.deep.equal([]);
    expect(encodedForms(secret).every((f) => f.text.length >= 12)).to.equal(true);
  });
});
