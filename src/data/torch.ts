/**
 * PyTorch `.pt` files saved with the zip format: a zip archive whose member `<name>/data.pkl` is the
 * pickle. The HELP files hold plain lists/dicts only, so the plain-values pickle reader suffices; a file
 * holding tensors (which need GLOBAL/REDUCE) is refused by that reader.
 */
import { unzipSync } from 'fflate';
import { fail } from '../errors.js';
import { type PickleValue, readPickle } from './pickle.js';

export function readTorchPickle(bytes: Uint8Array, name: string): PickleValue {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => f.name.endsWith('/data.pkl') || f.name === 'data.pkl' });
  } catch (e) {
    fail(
      `${name}: not a readable zip archive (${(e as Error).message})`,
      'the file is corrupt or not a PyTorch zip-format .pt file',
    );
  }
  const keys = Object.keys(members);
  if (keys.length !== 1) fail(`${name}: expected one '*/data.pkl' member in the .pt archive, found ${keys.length}`);
  return readPickle(members[keys[0]!]!, `${name}:${keys[0]}`);
}

/** A pickled list of numbers as a Float64Array (ints and floats; anything else is an error). */
export function numberList(v: PickleValue, name: string): Float64Array {
  if (!Array.isArray(v)) fail(`${name}: expected a list of numbers, got ${describe(v)}`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') fail(`${name}: item ${i} is ${describe(x ?? null)}, not a number`);
    out[i] = x;
  }
  return out;
}

export function describe(v: PickleValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  if (v instanceof Map) return 'a dict';
  if (v instanceof Uint8Array) return 'bytes';
  return `a ${typeof v}`;
}
