/**
 * Spaces by name. Built-in spaces register themselves (see `all.ts`); anything that is not a registered
 * name but ends in `.json` is loaded as a user-defined macro space.
 */
import { fail } from '../errors.js';
import type { SearchSpace } from './types.js';

interface Entry {
  title: string;
  create: () => SearchSpace;
}

const spaces = new Map<string, Entry>();
const instances = new Map<string, SearchSpace>();
let jsonLoader: ((path: string) => SearchSpace) | undefined;

export function registerSpace(name: string, title: string, create: () => SearchSpace): void {
  spaces.set(name, { title, create });
}

/** Set by the user-space module: loads a JSON macro space file. */
export function registerJsonSpaceLoader(load: (path: string) => SearchSpace): void {
  jsonLoader = load;
}

export function listSpaces(): { name: string; title: string }[] {
  return [...spaces.entries()].map(([name, e]) => ({ name, title: e.title }));
}

/** The file a space argument names: not a registered name and ending in `.json`; null for a built-in space. */
export function userSpaceFile(nameOrPath: string): string | null {
  return !spaces.has(nameOrPath) && nameOrPath.endsWith('.json') ? nameOrPath : null;
}

/** A registered space by name (cached), or a user-defined space from a `.json` file. */
export function getSpace(nameOrPath: string): SearchSpace {
  const cached = instances.get(nameOrPath);
  if (cached) return cached;
  const entry = spaces.get(nameOrPath);
  let space: SearchSpace;
  if (entry) space = entry.create();
  else if (userSpaceFile(nameOrPath) !== null && jsonLoader) space = jsonLoader(nameOrPath);
  else {
    const names = [...spaces.keys()].join(', ');
    fail(`unknown space '${nameOrPath}'`, `use one of: ${names}, or a user-defined space file ending in .json`);
  }
  instances.set(nameOrPath, space);
  return space;
}
