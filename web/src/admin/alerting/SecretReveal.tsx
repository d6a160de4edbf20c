// A new webhook's signing secret, shown once: the API never returns it again. It lives in this
// component's state only (no cache, no storage) and is gone when the admin says it is stored.
import { useEffect, useRef, useState } from 'react';
import { Copy, Key } from './icons';

async function copy(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (insecure origin, denied): select it and use the old command.
    field?.select();
    return document.execCommand?.('copy') ?? false;
  }
}

export function SecretReveal({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  return (
    <div className="secret" role="region" aria-labelledby="secret-heading" tabIndex={-1} ref={box}>
      <h3 id="secret-heading"><Key size={18} /> Signing secret of “{name}”</h3>
      <p><strong>Copy it now: you will not see it again.</strong> Pulse keeps it sealed and never shows it anywhere. Your endpoint uses it to check that deliveries come from Pulse (<a href="/docs/webhooks.md#verifying-a-delivery" target="_blank" rel="noopener noreferrer">how to verify</a>).</p>
      <div className="secret__row">
        <label htmlFor="webhook-secret" className="visually-hidden">Signing secret</label>
        <input id="webhook-secret" ref={field} className="secret__value mono" readOnly value={secret} onFocus={(e) => e.target.select()} spellCheck={false} autoComplete="off" />
        <button type="button" className="button button--primary" onClick={async () => setCopied(await copy(secret, field.current))}>
          <Copy size={16} /> Copy
        </button>
      </div>
      <p className="small secret__status" role="status">
        {copied === true ? 'Copied to the clipboard.' : copied === false ? 'Could not copy: select the secret and copy it yourself.' : '\u00a0'}
      </p>
      <button type="button" className="button button--secondary" onClick={onDone}>I have stored it</button>
    </div>
  );
}
