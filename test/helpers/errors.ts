/** Assertions for user errors: a thrown HwnasError, or a CLI run that ended in one error line. */
import { expect } from 'vitest';
import { isHwnasError } from '../../src/errors.js';

export function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected an HwnasError');
}

export async function asyncErrorOf(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected an HwnasError');
}

/** A CLI user error: exit 2, one stderr line starting with 'hwnas: ', no stack trace, nothing on stdout. */
export function expectUserError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim()).toMatch(pattern);
}
