import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../platform/secretBox.js';

describe('secret box (AES-256-GCM)', () => {
  const k1 = { id: 'k1', key: randomBytes(32) };
  const k2 = { id: 'k2', key: randomBytes(32) };

  it('opens what it sealed, and the ciphertext does not contain the secret', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('ya29.very-secret', 'integration-1');
    expect(sealed.ciphertext.toString('latin1')).not.to.contain('very-secret');
    expect(box.open(sealed, 'integration-1')).to.equal('ya29.very-secret');
  });

  it('refuses a sealed value moved to another integration or tampered with', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('secret', 'integration-1');
    expect(() => box.open(sealed, 'integration-2')).to.throw();
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] = (tampered.ciphertext[0] as number) ^ 1;
    expect(() => box.open(tampered, 'integration-1')).to.throw();
  });

  it('after a rotation seals with the new key and still opens values sealed with the old one', () => {
    const old = new SecretBox([k1]).seal('secret', 'i');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(old, 'i')).to.equal('secret');
    expect(rotated.seal('secret', 'i').keyId).to.equal('k2');
    expect(() => new SecretBox([k2]).open(old, 'i')).to.throw(/unknown key/);
  });
});
