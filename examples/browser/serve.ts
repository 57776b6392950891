// A tiny static file server for the built demo (node:http, no dependencies), on 127.0.0.1 only.
//
//   npm run demo              builds the demo (build.ts), serves dist/, prints the URL
//   PORT=9000 npm run demo    on another port (default 8080; a busy port falls back to a free one)
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_DIST } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
};

/**
 * Make the page cross-origin isolated, the condition for SharedArrayBuffer and so for the thread
 * pool (every resource here is same-origin, which require-corp allows).
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** Serves the files under `root` (index.html for /) on `host:port` (0: any free port). */
export function serveDirectory(root: string, port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    let size = -1;
    try {
      if (file.startsWith(root + sep)) size = statSync(file).isFile() ? statSync(file).size : -1;
    } catch {
      size = -1;
    }
    if (size < 0) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, {
      ...ISOLATION_HEADERS,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store', // a rebuilt demo is never mixed with a cached old one
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({ server, url: `http://${host}:${actual}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = DEMO_DIST;
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await serveDirectory(outdir, port).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE') throw e;
    console.warn(`port ${port} is busy; using a free one`);
    return serveDirectory(outdir, 0);
  });
  console.log(`adahessian-wasm demo: ${url}   (Ctrl+C to stop)`);
}
