/** User-defined macro spaces from JSON files (schema: docs/spaces.md); registers the `.json` loader. */
import { readFileSync } from 'node:fs';
import { fail, isHwnasError } from '../../errors.js';
import { registerJsonSpaceLoader } from '../registry.js';
import { LayeredSpace } from './space.js';
import { validateLayeredSpace } from './validate.js';

export { roundHalfEven } from './build.js';
export { LayeredSpace } from './space.js';
export type { LayeredSpec } from './spec.js';
export { validateLayeredSpace } from './validate.js';

/** A space from a parsed JSON document; `origin` prefixes error messages. */
export function layeredSpaceFromJson(doc: unknown, origin = 'space'): LayeredSpace {
  try {
    return new LayeredSpace(validateLayeredSpace(doc));
  } catch (e) {
    if (isHwnasError(e)) {
      fail(`${origin}: ${e.message}`, 'see docs/spaces.md for the schema');
    }
    throw e;
  }
}

export function loadLayeredSpace(path: string): LayeredSpace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    fail(
      `cannot read space file ${path}: ${code}`,
      code === 'ENOENT'
        ? 'check the path, relative to the current folder, or give a built-in space name: hwnas spaces lists them'
        : 'give a readable JSON space file (docs/spaces.md)',
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`space file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return layeredSpaceFromJson(doc, `space file ${path}`);
}

registerJsonSpaceLoader(loadLayeredSpace);
