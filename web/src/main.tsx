import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { retryTransient } from './api/http';
import { adoptTokenFromUrl } from './auth/userToken';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/user.css';

// Before anything renders or logs a URL: move a `#token=` into sessionStorage.
adoptTokenFromUrl();
window.addEventListener('hashchange', adoptTokenFromUrl);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: retryTransient,
      retryDelay: (n) => Math.min(10_000, 1_000 * 2 ** n),
      refetchOnWindowFocus: true,
      // Offline, keep what we have and wait for the network instead of erroring.
      networkMode: 'online',
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
