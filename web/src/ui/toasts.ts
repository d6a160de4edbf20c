// A tiny toast store (no library): anything can `toast(...)`; <Toasts/> renders them.
import { useSyncExternalStore } from 'react';

export type ToastTone = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  body?: string;
  /** An in-app link, e.g. to the failing integration. */
  href?: string;
  linkLabel?: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(t: Omit<Toast, 'id'>, ttlMs = t.tone === 'error' ? 12_000 : 6_000): number {
  const id = nextId++;
  // At most four on screen: a burst of failures should not bury the page.
  toasts = [...toasts, { ...t, id }].slice(-4);
  emit();
  setTimeout(() => dismissToast(id), ttlMs);
  return id;
}

export function dismissToast(id: number): void {
  if (!toasts.some((t) => t.id === id)) return;
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export const useToasts = () =>
  useSyncExternalStore((l) => (listeners.add(l), () => listeners.delete(l)), () => toasts);
