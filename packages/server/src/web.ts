import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebOptions {
  /** The built web app (packages/web/dist): index.html, admin/index.html, assets/. Undefined: not built. */
  dir: string | undefined;
  /** The public key, handed to the storefront's pages (it is meant for them). */
  publicKey: string;
}

/** Paths that belong to the API and operations: never answered with a page. */
const API_PATHS = /^\/(v1|docs|metrics|healthz|readyz)(\/|$)/;

/** Whether a directory holds a built web app. */
export const isWebBuild = (dir: string | undefined): dir is string =>
  dir !== undefined && existsSync(join(dir, 'index.html'));

/** The storefront's page with the public key in a meta tag, so that no key is built into the bundle. */
export function injectPublicKey(html: string, publicKey: string): string {
  const escaped = publicKey.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return html.replace('</head>', `  <meta name="gu-public-key" content="${escaped}" />\n  </head>`);
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Gu</title>
<body style="font:16px system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Gu is running</h1><p>The storefront and the dashboard are not built. Run <code>npm run build</code> and
restart. The API is at <a href="/docs">/docs</a>.</p></body>`;

/**
 * The storefront (`/`), the admin dashboard (`/admin`) and the widget embedded in a plain page (`/embed`),
 * built by Vite: hashed assets
 * under /assets/ are cached for a year (brotli or gzip twins served when the browser takes them), pages are
 * revalidated on every load, and any client route (`/p/123`, `/admin/models`) gets its app's index.html.
 * `GET /v1/config` tells a page served elsewhere (the Vite dev server) the public key.
 */
export const webPlugin = (o: WebOptions) => async (app: FastifyInstance) => {
  // Pages and assets are for anyone: no key, no rate limit.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'open' };
  });
  app.get(
    '/v1/config',
    { schema: { summary: 'What a storefront page needs: the public key', tags: ['web'] } },
    async () => ({
      publicKey: o.publicKey,
      currency: 'VND',
      locale: 'vi-VN',
    }),
  );

  if (!isWebBuild(o.dir)) {
    app.log.warn({ dir: o.dir }, 'the web app is not built (npm run build): / and /admin show a notice');
    const notice = async (_request: unknown, reply: FastifyReply) =>
      reply.status(503).type('text/html; charset=utf-8').send(notBuilt);
    app.get('/', { schema: { hide: true } }, notice);
    app.get('/admin', { schema: { hide: true } }, notice);
    return;
  }

  const dir = o.dir;
  const shopPage = injectPublicKey(readFileSync(join(dir, 'index.html'), 'utf8'), o.publicKey);
  const adminFile = join(dir, 'admin', 'index.html');
  const adminPage = existsSync(adminFile) ? readFileSync(adminFile, 'utf8') : notBuilt;
  const embedFile = join(dir, 'embed', 'index.html');
  const embedPage = existsSync(embedFile)
    ? injectPublicKey(readFileSync(embedFile, 'utf8'), o.publicKey)
    : notBuilt;

  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    // Vite names every asset by its content hash: a name never changes meaning.
    immutable: true,
    maxAge: '365d',
    preCompressed: true,
    schemaHide: true,
    // One line per asset would drown the request log.
    logLevel: 'warn',
  });

  const page = (html: string, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => page(shopPage, reply));
  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => page(adminPage, reply));
  app.get('/embed', { schema: { hide: true } }, async (_request, reply) => page(embedPage, reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0];
    // An unknown API route stays a coded JSON 404; a missing file is no page either.
    if (API_PATHS.test(path) || path.startsWith('/assets/') || extname(path)) return reply.callNotFound();
    return page(path.startsWith('/admin/') ? adminPage : shopPage, reply);
  });
};
