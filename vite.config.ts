import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client lives in client/; the server (server/main.ts) serves dist/client in production and
// mounts Vite as middleware with --dev. Monaco is imported lazily, so it lands in its own chunks.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});
