/** Number options (flags, config keys): checked ranges, one-line errors that say the nearest allowed value. */
import { fail } from '../errors.js';

export function parseIntOption(
  name: string,
  value: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = Number(value);
  const digits = /^-?\d+$/.test(value.trim()) && Number.isSafeInteger(v);
  if (!digits || v < min || v > max) {
    const nearest = Math.min(max, Math.max(min, digits ? v : Math.trunc(Number.isFinite(v) ? v : min)));
    fail(
      `${name} must be an integer in [${min}, ${max}], got '${value}'`,
      digits ? `the nearest allowed value is ${nearest}` : `write digits only, e.g. ${name} ${nearest}`,
    );
  }
  return v;
}

export function parseFloatOption(name: string, value: string, min = -Infinity, max = Infinity): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    fail(
      `${name} must be a number in [${min}, ${max}], got '${value}'`,
      Number.isFinite(v) && value.trim() !== '' ? 'pick a value inside that range' : 'write a plain number, e.g. 0.5',
    );
  }
  return v;
}
