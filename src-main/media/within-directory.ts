import { realpathSync } from 'node:fs';
import path from 'node:path';

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * True when `dir` is `root` or lies inside it, links resolved: how a station tells its own data
 * directory from a medium. A child named `..x` is inside (only `..` itself, or a path starting with
 * `../`, leaves the root).
 */
export function isWithinDirectory(dir: string, root: string): boolean {
  const rel = path.relative(real(root), real(dir));
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false;
  return rel !== '..' && !rel.startsWith(`..${path.sep}`);
}
