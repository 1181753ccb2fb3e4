// Serves the built renderer on app://keyrite with the security headers, from files only.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './app-origin.js';
import { RENDERER_SECURITY_HEADERS } from '../../src-shared/ipc/csp.js';
import { resolveRendererFile } from './renderer-files.js';

/** Must run before app 'ready': the scheme gets an origin of its own and fetch support. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file =
      url.host === APP_HOST && request.method === 'GET'
        ? resolveRendererFile(rendererRoot, url.pathname)
        : null;
    if (!file) return new Response('not found', { status: 404, headers: { ...RENDERER_SECURITY_HEADERS } });
    try {
      const body = await readFile(file.path);
      return new Response(body, {
        status: 200,
        headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': file.contentType },
      });
    } catch {
      return new Response('not found', { status: 404, headers: { ...RENDERER_SECURITY_HEADERS } });
    }
  });
}
