// Whether the portal holds a usable session (cookie + in-memory CSRF token).
import { useSyncExternalStore } from 'react';
import { adminEmail, adminSignedIn, onAdminSessionChange } from './adminApi';

export function useAdminSession(): { signedIn: boolean; email: string | null } {
  const signedIn = useSyncExternalStore(onAdminSessionChange, adminSignedIn);
  return { signedIn, email: signedIn ? adminEmail() : null };
}
