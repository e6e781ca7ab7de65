import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

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
  },
  worker: {
    format: 'es',
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/hub': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
