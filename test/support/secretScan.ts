// Looks for secrets in captured text, in every form a careless encoder could give them:
// as is, base64 and base64url (at each of the three byte alignments, so a secret inside a
// longer encoded blob is found too), URL-encoded, JSON-escaped and hex (either case).

export interface Secret {
  name: string;
  /** The secret as a string, or its raw bytes (an encryption key). */
  value: string | Buffer;
}

/** The part of base64(<k filler bytes> + bytes + <anything>) that depends on `bytes` alone, for k = 0, 1, 2. */
function base64Cores(bytes: Buffer, url: boolean): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString(url ? 'base64url' : 'base64').replace(/=+$/, '');
    // Characters mixing filler bits come first; the last group may mix with what follows.
    const skip = [0, 2, 3][k] as number;
    const tail = (k + bytes.length) % 3 === 0 ? 0 : 3;
    out.push(enc.slice(skip, enc.length - tail - 1));
  }
  return out;
}

/** Every form of the secret worth looking for (at least 12 characters each, so no accidental match). */
export function encodedForms(secret: Secret): { form: string; text: string }[] {
  const bytes = typeof secret.value === 'string' ? Buffer.from(secret.value, 'utf8') : secret.value;
  const forms: { form: string; text: string }[] = [];
  if (typeof secret.value === 'string') {
    forms.push({ form: 'plain', text: secret.value });
    forms.push({ form: 'url-encoded', text: encodeURIComponent(secret.value) });
    forms.push({ form: 'form-encoded', text: new URLSearchParams({ x: secret.value }).toString().slice(2) });
    forms.push({ form: 'json-escaped', text: JSON.stringify(secret.value).slice(1, -1) });
  }
  for (const text of base64Cores(bytes, false)) forms.push({ form: 'base64', text });
  for (const text of base64Cores(bytes, true)) forms.push({ form: 'base64url', text });
  forms.push({ form: 'hex', text: bytes.toString('hex') });
  forms.push({ form: 'HEX', text: bytes.toString('hex').toUpperCase() });
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= 12 && !seen.has(f.text) && seen.add(f.text));
}

export interface Leak {
  secret: string;
  form: string;
  where: string;
  /** A few characters around the find, with the secret itself masked. */
  context: string;
}

/** Every secret (in any form) found in any place. `places` maps a name to its captured text. */
export function findLeaks(secrets: Secret[], places: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    for (const { form, text } of encodedForms(secret)) {
      for (const [where, haystack] of Object.entries(places)) {
        const at = haystack.indexOf(text);
        if (at < 0) continue;
        const context = `${haystack.slice(Math.max(0, at - 60), at)}<${secret.name}>${haystack.slice(at + text.length, at + text.length + 60)}`;
        leaks.push({ secret: secret.name, form, where, context });
      }
    }
  }
  return leaks;
}
