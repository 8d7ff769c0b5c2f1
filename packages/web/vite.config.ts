import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Brotli and gzip twins of the built scripts and styles, which the server sends to browsers that take them. */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'gu-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets).filter((n) => /\.(js|css|svg)$/.test(n))) {
        const body = readFileSync(join(assets, name));
        writeFileSync(
          join(assets, `${name}.br`),
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(join(assets, `${name}.gz`), gzipSync(body, { level: 9 }));
      }
    },
  };
}

/**
 * Two single-page apps, the storefront (index.html → /) and the dashboard (admin/index.html → /admin), and a
 * plain page embedding the SDK's widget as any shop would (embed/index.html → /embed).
 */
export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    rolldownOptions: {
      input: { shop: 'index.html', admin: 'admin/index.html', embed: 'embed/index.html' },
    },
  },
  server: {
    // `npm run dev -w @gu/web` beside `gu start`: the API and the public key come from the running server.
    proxy: { '/v1': { target: process.env.GU_URL ?? 'http://127.0.0.1:8080', ws: true } },
  },
});
