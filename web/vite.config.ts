import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));
// A service worker only controls its own folder and below, so this one is built to the site root
// under a fixed name (src/files/streamDownload.ts registers it). It shares no code with the app:
// only types cross between the two, so it comes out as one self-contained script.
const DOWNLOAD_WORKER = 'parley-download-sw';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // y-monaco imports monaco by its internal file path, which monaco's exports map refuses;
      // point it at the same file our own `monaco-editor` import loads, so there is one instance.
      { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` },
    ],
  },
  build: {
    outDir: '../src/Parley.Server/wwwroot',
    emptyOutDir: true,
    // Monaco and its language workers are large by nature; the warning would only be noise.
    chunkSizeWarningLimit: 8000,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        [DOWNLOAD_WORKER]: fileURLToPath(new URL('./src/files/downloadWorker/serviceWorker.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === DOWNLOAD_WORKER ? '[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: {
    format: 'es',
  },
  server: {
    // In development the worker is served from its source folder; this lets it still control `/`.
    headers: { 'Service-Worker-Allowed': '/' },
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/hub': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    // Some tests make RSA-3072 device keys or stream megabytes through a worker: seconds of CPU
    // that a 2-core machine running the .NET build beside them can stretch past Vitest's 5 s.
    // A bound still, only one that measures nothing.
    testTimeout: 30_000,
  },
});
