import path from 'node:path';

/**
 * Maps a request for the renderer to a file under the built renderer directory, or null. Used by the
 * app:// protocol handler and by the e2e harness's server, so both serve exactly the same files with
 * the same refusal of anything outside the directory.
 */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface RendererFile {
  path: string;
  contentType: string;
}

export function resolveRendererFile(rendererRoot: string, pathname: string): RendererFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = path.resolve(rendererRoot);
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  const contentType = MIME[path.extname(full).toLowerCase()];
  if (!contentType) return null;
  return { path: full, contentType };
}
