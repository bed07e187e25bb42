/**
 * Refuse a command whose output would overwrite one of its inputs (or another of its outputs) before it
 * does any work. Two names are the same file when their resolved real paths are equal (symlinks, `./`,
 * `..`) or when they are the same device and inode (hard links). A folder in the game (a study folder an
 * output goes into, the data cache an input comes from) collides with every path inside it.
 */
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fail } from '../errors.js';

/** A path named by a command: `flag` says where it came from in the error line, e.g. `--latency table:b.csv#ms`. */
export interface PathUse {
  flag: string;
  path: string;
  /** A folder: every file inside it counts (an output folder written into, an input folder read). */
  folder?: boolean;
}

interface Identity {
  use: PathUse;
  /** Real path (symlinks resolved; for a path not there yet, its nearest existing ancestor's). */
  real: string;
  /** `dev:ino` when the path exists. */
  inode?: string;
}

/** Files walked inside a folder to find hard links into it; a bigger folder is compared by path only. */
const MAX_FOLDER_ENTRIES = 20_000;

function inodeOf(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** Real path of `path`, also when it (or a part of it) does not exist yet. */
export function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPath(parent), basename(abs));
  }
}

function identify(use: PathUse): Identity {
  return { use, real: realPath(use.path), inode: inodeOf(use.path) };
}

function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** dev:ino of the files below a folder (bounded), for hard links from outside into it. */
function folderInodes(folder: string): Set<string> {
  const out = new Set<string>();
  const stack = [folder];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_FOLDER_ENTRIES) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_FOLDER_ENTRIES) break;
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        const ino = inodeOf(p);
        if (ino) out.add(ino);
      }
    }
  }
  return out;
}

/** How `a` and `b` overlap, or undefined: 'same' (one file), 'link' (one file under two names), 'inside'. */
function overlap(a: Identity, b: Identity, inodes: (id: Identity) => Set<string>): string | undefined {
  if (a.real === b.real) return 'same';
  if (!a.use.folder && !b.use.folder) return a.inode !== undefined && a.inode === b.inode ? 'link' : undefined;
  for (const [folder, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (!folder.use.folder) continue;
    if (inside(other.real, folder.real)) return 'inside';
    if (!other.use.folder && other.inode !== undefined && inodes(folder).has(other.inode)) return 'link';
  }
  return undefined;
}

function describe(u: PathUse): string {
  return u.flag.includes(u.path) ? u.flag : `${u.flag} ${u.path}`;
}

function how(kind: string, a: Identity, b: Identity): string {
  if (kind === 'link') return 'the same file through a hard link';
  return a.use.path === b.use.path ? 'the same file' : `both are ${a.real}`;
}

/** The error line for output `o` against input `input`. */
function refuse(kind: string, o: Identity, input: Identity): never {
  if (kind === 'inside' && o.use.folder && inside(input.real, o.real))
    fail(
      `${describe(o.use)} is a folder this command writes into, and it holds an input, ${describe(input.use)}`,
      'keep inputs outside the output folder, or choose another output folder',
    );
  if (kind === 'inside')
    fail(
      `${describe(o.use)} lies inside ${describe(input.use)}, which this command reads`,
      'write the output somewhere else',
    );
  fail(
    `${describe(o.use)} would overwrite an input, ${describe(input.use)} (${how(kind, o, input)})`,
    'write the output somewhere else: inputs are never replaced',
  );
}

/**
 * Fail (one line, exit 2) when an output names the same file as an input, lies inside an input folder
 * (or holds an input, for an output folder), or when two outputs name the same file. Call it once the
 * command line is parsed and before anything is read or written.
 */
export function refuseSameFiles(inputs: readonly PathUse[], outputs: readonly PathUse[]): void {
  if (outputs.length === 0) return;
  const cache = new Map<string, Set<string>>();
  const inodes = (id: Identity) => {
    const known = cache.get(id.real);
    if (known) return known;
    const found = folderInodes(id.real);
    cache.set(id.real, found);
    return found;
  };
  const outs = outputs.map(identify);
  for (let i = 0; i < outs.length; i++)
    for (let j = i + 1; j < outs.length; j++) {
      const kind = overlap(outs[i]!, outs[j]!, inodes);
      if (kind)
        fail(
          `${describe(outs[i]!.use)} and ${describe(outs[j]!.use)} would write over each other (${kind === 'inside' ? 'one is inside the other' : how(kind, outs[i]!, outs[j]!)})`,
          'give each output its own file',
        );
    }
  const ins = inputs.map(identify);
  for (const o of outs)
    for (const input of ins) {
      const kind = overlap(o, input, inodes);
      if (kind) refuse(kind, o, input);
    }
}
