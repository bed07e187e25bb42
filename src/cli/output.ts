/** Shared CLI output helpers: stable JSON, atomic file writes, option parsing. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors.js';

/** JSON with sorted-insensitive but stable formatting (2-space indent, trailing newline). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Write a file atomically: temp file in the same folder, then rename, so no half-written output remains. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function parseIntOption(
  name: string,
  value: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(`${name} must be an integer in [${min}, ${max}], got '${value}'`);
  }
  return v;
}

export function parseFloatOption(name: string, value: string, min = -Infinity, max = Infinity): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    fail(`${name} must be a number in [${min}, ${max}], got '${value}'`);
  }
  return v;
}
