// What a user's browser does with an "authorize" link against the simulator: go to the
// provider, sign in as `account` (login_hint), follow the provider's redirect back to Pulse's
// OAuth callback, and report where Pulse finally sends the browser.
export async function followConsent(authorizeUrl: string, account: string, apiUrl: string): Promise<string> {
  const consent = await fetch(`${authorizeUrl}&login_hint=${encodeURIComponent(account)}`, { redirect: 'manual' });
  const back = consent.headers.get('location');
  if (consent.status !== 302 || !back) throw new Error(`provider consent answered HTTP ${consent.status}`);
  // The callback may name a public URL; call the API where it actually listens.
  const callback = new URL(back);
  const res = await fetch(`${apiUrl}${callback.pathname}${callback.search}`, { redirect: 'manual' });
  const landing = res.headers.get('location');
  if (res.status !== 302 || !landing) throw new Error(`Pulse's OAuth callback answered HTTP ${res.status}`);
  return landing;
}
