// AES-256-GCM for secrets at rest. A sealed value records which key sealed it, so keys can be
// rotated: seal with the first configured key, open with whichever key id the value names.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealingKey {
  id: string;
  key: Buffer;
}

export interface Sealed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export class SecretBox {
  constructor(private readonly keys: SealingKey[]) {
    if (!keys.length) throw new Error('no credential keys configured');
  }

  get currentKeyId(): string {
    return (this.keys[0] as SealingKey).id;
  }

  seal(plaintext: string, associatedData: string): Sealed {
    const { id, key } = this.keys[0] as SealingKey;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // Binding the integration id means a sealed value copied onto another row will not open.
    cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: id, iv, tag: cipher.getAuthTag(), ciphertext };
  }

  open(sealed: Sealed, associatedData: string): string {
    const key = this.keys.find((k) => k.id === sealed.keyId);
    if (!key) throw new Error(`credentials sealed with unknown key "${sealed.keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.iv);
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}
