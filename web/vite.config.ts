// Vite for the Pulse web app. Production: `vite build web` writes web/dist, which the API
// serves itself (same origin, so the admin cookie and the WebSocket need no CORS). Development:
// Vite on :5173 proxies the API's paths to a running Pulse (PULSE_API_URL, default :3000).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.PULSE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // ws: the admin portal's WebSocket is /api/admin/ws (its cookie is scoped to /api/admin).
      '/api': { target: api, changeOrigin: false, ws: true },
      '/docs': { target: api },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The bundle report reads the manifest to tell the first route's chunks from lazy ones.
    manifest: true,
    target: 'es2022',
    // Maps beside the chunks (web/dist/assets/*.js.map) but not named in them: browsers don't
    // fetch them; test/reporting/webCoverage.ts reads them from disk to map the e2e run's browser
    // coverage back to web/src.
    sourcemap: 'hidden',
    reportCompressedSize: false,
  },
});
