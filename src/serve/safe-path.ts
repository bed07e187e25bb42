/**
 * A file a request names, resolved inside the served root or refused: `..` segments (plain or
 * percent-encoded, `/` or `\`), NUL bytes, absolute paths and links resolving outside the root all
 * give 'forbidden'; a path that is not a plain file inside the root gives 'missing'.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

export type Resolved = { ok: true; path: string } | { ok: false; why: 'forbidden' | 'missing' };

/** Decode a percent-encoded path once; malformed escapes are refused, not guessed. */
function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** `rootReal` is the root's real path (symlinks resolved), computed once by the server. */
export function resolveInside(rootReal: string, rawRelative: string): Resolved {
  const rel = decode(rawRelative);
  if (rel === null || rel.includes('\0')) return { ok: false, why: 'forbidden' };
  const parts = rel.split(/[/\\]+/).filter((p) => p !== '' && p !== '.');
  // A decoded segment still holding `%` would be decoded again by someone: refuse double encoding too.
  if (parts.some((p) => p === '..' || p.includes('%')) || isAbsolute(rel)) return { ok: false, why: 'forbidden' };
  if (parts.length === 0) return { ok: false, why: 'missing' };
  const joined = join(rootReal, ...parts);
  let real: string;
  try {
    real = realpathSync(joined);
  } catch {
    return { ok: false, why: 'missing' };
  }
  const back = relative(rootReal, real);
  if (back === '' || back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back))
    return { ok: false, why: 'forbidden' };
  try {
    if (!statSync(real).isFile()) return { ok: false, why: 'missing' };
  } catch {
    return { ok: false, why: 'missing' };
  }
  return { ok: true, path: real };
}
