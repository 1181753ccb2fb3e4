/**
 * The renderer is served from a custom, privileged scheme instead of file://, so it has a real origin
 * of its own (CSP 'self' means our files only) and file:// keeps no special powers (fuse
 * GrantFileProtocolExtraPrivileges is off at packaging).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keyrite';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const MAIN_WINDOW_URL = `${APP_ORIGIN}/index.html`;
/** The witness display is the same page on a route that shows public facts only. */
export const WITNESS_WINDOW_URL = `${APP_ORIGIN}/index.html#/witness`;
