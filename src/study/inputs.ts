/**
 * The user files a study reads (a space `.json`, the CSV or Parquet tables of `table:`/`fit:`/`lut:`) and
 * the sha256 of their contents. The config names these files, not what is in them: their digests join the
 * study hash so that rerunning the same command after editing one is refused instead of mixing old and new
 * results. Paths stay as the config writes them and only contents are hashed (no absolute paths, no
 * mtimes), so a study folder copied with its files to another machine still resumes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseTableSpec } from '../data/index.js';
import { parseFitSpec } from '../hardware/sources.js';
import { userSpaceFile } from '../space/registry.js';
import type { StudyConfig } from './config.js';

export interface StudyInput {
  /** The path as the config names it. */
  file: string;
  /** Where the config names it: `space`, or the source spec. */
  from: string;
  /** sha256 (hex) of the contents; null when the file cannot be read now (its source reports why). */
  sha256: string | null;
}

/**
 * Files a source spec reads, parsed by its owner's parser. Built-in sources (nb201:, help:, model:, blox:,
 * ort) read no user file: their data is pinned by checksum or built in (BLOX releases are compared by value
 * when a study resumes).
 */
export function sourceFiles(spec: string): string[] {
  const colon = spec.indexOf(':');
  if (colon < 0) return [];
  const rest = spec.slice(colon + 1);
  switch (spec.slice(0, colon)) {
    case 'table':
      return [parseTableSpec(rest).file];
    case 'fit':
      return [parseFitSpec(rest).file];
    case 'lut':
      return rest === '' ? [] : [rest];
    default:
      return [];
  }
}

function digest(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** Every user file of the study, each once, in config order (space, accuracy, devices). */
export function studyInputs(config: StudyConfig): StudyInput[] {
  const named: { file: string; from: string }[] = [];
  const space = userSpaceFile(config.space);
  if (space !== null) named.push({ file: space, from: 'space' });
  for (const spec of [config.accuracy, ...config.devices]) {
    for (const file of sourceFiles(spec)) named.push({ file, from: spec });
  }
  const seen = new Set<string>();
  const out: StudyInput[] = [];
  for (const n of named) {
    if (seen.has(n.file)) continue;
    seen.add(n.file);
    out.push({ ...n, sha256: digest(n.file) });
  }
  return out;
}
