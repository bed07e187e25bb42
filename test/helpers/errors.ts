/** Assert that a call fails with a user error (HwnasError) and return it, to check its one line. */
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
