/**
 * Lives with the IPC contract because both sides depend on it: main serves it, the renderer's build
 * writes it into index.html.
 *
 * One Content-Security-Policy for every way the renderer is served: the app:// protocol handler in
 * Electron and the e2e harness's HTTP server send it as a header, and index.html carries it as a meta
 * tag too (belt and braces, should a response ever lose its headers). No inline script, no eval, no
 * remote origin of any kind; the page cannot be framed and cannot submit forms anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
].join('; ');

/** The policy for the index.html meta tag: frame-ancestors is ignored (and warned about) there. */
export const CONTENT_SECURITY_POLICY_META = CONTENT_SECURITY_POLICY.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');

/** Headers every renderer response carries. */
export const RENDERER_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
});
