/**
 * BLOX release files (BLOX.md section 5): names, the YAML header every encoding starts with, and its
 * validation. A file is `"---\n" + YAML + "---\n"` (at most 1024 bytes, PyYAML output with anchors) and
 * then a payload: CSV rows (`.csv`), zlib + bit packing (`.blox`) or a pickle of plain lists (`.pickle`).
 */
import { load } from 'js-yaml';
import { fail } from '../../errors.js';

export type BloxKind = 'info' | 'base' | 'ext' | 'env' | 'bench';
export type BloxEncoding = 'csv' | 'blox' | 'pickle';

export interface BloxFileName {
  kind: BloxKind;
  /** Seed for base/ext/env, device for bench, '' for info. */
  tag: string;
  encoding: BloxEncoding;
  /** File name without extension, e.g. `blox-base-0`. */
  base: string;
}

const NAME_RE = /^blox-(?:(info)|(base|ext|env)-(\d+)|(bench)-([a-zA-Z0-9-]+))\.(csv|blox|pickle)$/;

export function parseBloxFileName(name: string): BloxFileName | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const kind = (m[1] ?? m[2] ?? m[4]) as BloxKind;
  const tag = m[3] ?? m[5] ?? '';
  const encoding = m[6] as BloxEncoding;
  return { kind, tag, encoding, base: name.slice(0, name.length - encoding.length - 1) };
}

export const ENV_COLUMNS = [
  'codebase_commit',
  'codebase_version',
  'cuda',
  'driver',
  'gpu',
  'platform',
  'ptflops_version',
  'python',
  'torch_commit',
  'torch_cuda_version',
  'torch_version',
  'torchvision_version',
];

/** Columns in order per kind (BLOX.md 5.1). */
export const BLOX_COLUMNS: Record<BloxKind, readonly string[]> = {
  base: ['model_hash', 'val_top1', 'test_top1', 'train_time_s'],
  ext: ['model_hash', 'train_top1', 'train_loss', 'train_top5', 'val_loss', 'val_top5', 'test_loss', 'test_top5'],
  info: ['model_hash', 'params', 'flops', 'arch_vec'],
  env: ['model_hash', ...ENV_COLUMNS],
  bench: ['model_hash', 'latency'],
};

const DATASET_TYPE: Record<BloxKind, string> = {
  base: 'training',
  ext: 'training',
  info: 'static',
  env: 'env',
  bench: 'benchmarking',
};

const CELL_SHAPE = [[3], [3, 2, 2, 2]];
export const BLOX_SEARCH_SPACE = {
  shape: [CELL_SHAPE, CELL_SHAPE, CELL_SHAPE],
  nodes: 2,
  stages: 3,
  ops: ['conv', 'mbconv', 'bconv'],
};

export interface BloxHeader {
  version: number;
  search_space: unknown;
  dataset_type: string;
  columns: string[];
  seed?: number;
  epochs?: number;
  dataset?: string;
  part?: string;
  device?: string;
  format: string;
  column_types?: Record<string, string>;
}

export const HEADER_LIMIT = 1024;

/** Split a file into its validated header and payload. */
export function readBloxHeader(
  bytes: Uint8Array,
  file: BloxFileName,
  fileLabel: string,
): { header: BloxHeader; payload: Uint8Array; headerLines: number } {
  function bad(msg: string): never {
    fail(`${fileLabel}: ${msg}`, 'is this an unmodified BLOX release file?');
  }
  const head = Buffer.from(bytes.subarray(0, HEADER_LIMIT)).toString('latin1');
  if (!head.startsWith('---\n')) bad("does not start with a YAML header ('---')");
  const end = head.indexOf('---\n', 3);
  if (end < 0) bad(`no end of the YAML header ('---') within the first ${HEADER_LIMIT} bytes`);
  let h: BloxHeader;
  try {
    h = load(head.slice(4, end)) as BloxHeader;
  } catch (e) {
    bad(`YAML header does not parse (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof h !== 'object' || h === null) bad('YAML header is not a mapping');
  if (h.version !== 1) bad(`unsupported version ${String(h.version)} (expected 1)`);
  if (JSON.stringify(h.search_space) !== JSON.stringify(BLOX_SEARCH_SPACE))
    bad(`search_space is not the BLOX space (${JSON.stringify(h.search_space)})`);
  if (h.dataset_type !== DATASET_TYPE[file.kind])
    bad(`dataset_type is '${String(h.dataset_type)}', expected '${DATASET_TYPE[file.kind]}'`);
  const cols = BLOX_COLUMNS[file.kind];
  if (JSON.stringify(h.columns) !== JSON.stringify(cols))
    bad(`columns are ${JSON.stringify(h.columns)}, expected ${JSON.stringify(cols)}`);
  if (file.kind === 'base' || file.kind === 'ext' || file.kind === 'env') {
    if (h.seed !== Number(file.tag)) bad(`seed is ${String(h.seed)}, but the file name says ${file.tag}`);
  }
  if (file.kind === 'base' || file.kind === 'ext') {
    if (h.part !== file.kind) bad(`part is '${String(h.part)}', expected '${file.kind}'`);
    if (!Number.isInteger(h.epochs) || (h.epochs as number) < 1)
      bad(`epochs must be a positive integer, got ${String(h.epochs)}`);
    if (typeof h.dataset !== 'string') bad('dataset is missing');
  }
  if (file.kind === 'bench' && h.device !== file.tag)
    bad(`device is '${String(h.device)}', but the file name says '${file.tag}'`);
  const wantFormat = { csv: 'csv', blox: 'custom', pickle: 'pickle' }[file.encoding];
  if (h.format !== wantFormat)
    bad(`format is '${String(h.format)}', expected '${wantFormat}' for a .${file.encoding} file`);
  if (file.encoding === 'blox') {
    const types = h.column_types;
    if (!types || typeof types !== 'object' || JSON.stringify(Object.keys(types)) !== JSON.stringify(cols))
      bad('column_types must name every column, in order');
  }
  const headerEnd = end + 4;
  const headerLines = head.slice(0, headerEnd).split('\n').length - 1;
  return { header: h, payload: bytes.subarray(headerEnd), headerLines };
}
