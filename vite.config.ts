/**
 * Build of the renderer (React): src/renderer -> dist/renderer, relative base so
 * the same files load from the HTTP transport and from Electron's app protocol.
 * No inline scripts are emitted (the CSP forbids them): the module preload
 * polyfill is off and the entry is an external module script.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
});
