/** The Vite config both apps share. */
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const sharedSource = fileURLToPath(new URL('../src', import.meta.url));

export function appConfig() {
  return defineConfig({
    // Relative asset URLs: the build works from whatever folder a static server gives it.
    base: './',
    plugins: [react()],
    resolve: { alias: { '@minishop/web-shared': sharedSource } },
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  });
}
