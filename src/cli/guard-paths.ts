/**
 * Before any command runs (commander's preAction hook), gather the files it will write (its output
 * options) and every file it reads (source specs, files and folders named by options and arguments,
 * files a --config JSON names, the words of an evaluator command that are files, the data cache and
 * mirror) and refuse an output that would overwrite an input. A new command gets this by default: an
 * option named in OUTPUT_OPTIONS is an output, any other value that names an existing path is an input.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { shellWords } from '../distributed/shell-words.js';
import { cacheDir } from '../io/cache-dir.js';
import { type PathUse, refuseSameFiles } from '../io/same-file.js';
import { sourceReads } from '../objectives/all.js';

/** Options that name what a command writes; `<dir>` in the option's flags makes it a folder. */
const OUTPUT_OPTIONS = new Set(['--out', '--found', '--weights']);

/** Outputs not named by an option: `data import` writes into the data cache. */
const IMPLIED_OUTPUTS: Record<string, () => PathUse[]> = {
  'data import': () => [{ flag: 'the data cache', path: join(cacheDir(), 'derived'), folder: true }],
};

function kindOf(path: string): 'file' | 'folder' | undefined {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return undefined;
  }
}

/** The inputs one option value stands for. `depth` bounds config files naming config files. */
function inputsOf(flag: string, value: string, depth = 0): PathUse[] {
  if (value === '') return [];
  const reads = sourceReads(value);
  if (reads) return reads.filter((p) => p !== '').map((path) => ({ flag: `${flag} ${value}`, path }));
  const kind = kindOf(value);
  if (kind === 'folder') return [{ flag, path: value, folder: true }];
  if (kind === 'file') return [{ flag, path: value }, ...(depth < 2 ? jsonStrings(flag, value, depth) : [])];
  // A comma list of sources (`--devices model:cortex-m7,table:b.csv#ms`) or a command line (`--evaluator`).
  if (value.includes(',')) {
    const parts = value.split(',');
    if (parts.some((p) => sourceReads(p) !== undefined)) return parts.flatMap((p) => inputsOf(flag, p, depth));
  }
  if (/\s/.test(value)) {
    let words: string[] = [];
    try {
      words = shellWords(value);
    } catch {
      return [];
    }
    return words.filter((w) => kindOf(w) === 'file').map((path) => ({ flag: `${flag} ${path}`, path }));
  }
  return [];
}

/** A JSON file (a study config, a space) may name more inputs: every string in it is looked at. */
function jsonStrings(flag: string, file: string, depth: number): PathUse[] {
  if (!/\.json$/i.test(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(data);
  return strings.flatMap((s) => inputsOf(`${flag} ${file}`, s, depth + 1));
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * The data the benchmark sources read lives here (the cache's own subfolders, so HWNAS_CACHE=. still lets
 * outputs go next to it): no output may land in it.
 */
function dataFolders(): PathUse[] {
  const out: PathUse[] = ['files', 'derived'].map((sub) => ({
    flag: 'the data cache',
    path: join(cacheDir(), sub),
    folder: true,
  }));
  const mirror = process.env.HWNAS_MIRROR?.trim();
  if (mirror && kindOf(mirror) === 'folder') out.push({ flag: 'the data mirror', path: mirror, folder: true });
  return out;
}

export function guardPaths(cmd: Command): void {
  const opts = cmd.opts() as Record<string, unknown>;
  const outputs: PathUse[] = [...(IMPLIED_OUTPUTS[commandPath(cmd)]?.() ?? [])];
  const inputs: PathUse[] = [];
  for (const o of cmd.options) {
    const raw = opts[o.attributeName()];
    const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : [];
    const flag = o.long ?? o.short ?? o.flags;
    for (const v of values) {
      if (OUTPUT_OPTIONS.has(flag)) {
        if (v !== '') outputs.push({ flag, path: v, ...(/<dir>/.test(o.flags) ? { folder: true } : {}) });
      } else inputs.push(...inputsOf(flag, v));
    }
  }
  cmd.registeredArguments.forEach((arg, k) => {
    const raw = cmd.processedArgs[k];
    const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : [];
    for (const v of values) inputs.push(...inputsOf(`<${arg.name()}>`, v));
  });
  if (outputs.length === 0) return;
  const cacheWritten = outputs.some((o) => o.flag === 'the data cache');
  refuseSameFiles([...inputs, ...(cacheWritten ? [] : dataFolders().filter((f) => existsSync(f.path)))], outputs);
}
