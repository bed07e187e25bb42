/**
 * An nn-Meter predictor package: a folder as nn-Meter unpacks it (`<kernel>.pkl`, one scikit-learn
 * RandomForestRegressor per kernel type, every `*.pkl` of the folder as nn-Meter's loader globs them, plus
 * `fusion_rules.json`), or the same predictors converted once to plain JSON (`hwnas nnmeter convert`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Forest, type ForestJson, forestFromTrees, forestToJson, readForestPickle } from '../../data/index.js';
import { fail, isHwnasError } from '../../errors.js';
import { type FusionRules, readFusionRules } from './rules.js';

export const PREDICTORS_FORMAT = 'hwnas-nnmeter-predictors/1';

export interface MeterPredictors {
  /** Where they came from (folder or JSON file). */
  path: string;
  /** fusion_rules.json as read (kept for conversion). */
  rulesJson: unknown;
  rules: FusionRules;
  forests: Map<string, Forest>;
}

/** The JSON file `hwnas nnmeter convert` writes. */
export interface PredictorsJson {
  format: string;
  fusionRules: unknown;
  predictors: Record<string, ForestJson>;
}

const FOLDER_HINT =
  'nnmeter:<folder> needs a folder of <kernel>.pkl files and fusion_rules.json (an unpacked nn-Meter predictor zip), or a JSON file from hwnas nnmeter convert';

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${what}: not valid JSON (${(e as Error).message})`, FOLDER_HINT);
  }
}

function loadFolder(dir: string): MeterPredictors {
  const rulesPath = join(dir, 'fusion_rules.json');
  if (!existsSync(rulesPath)) fail(`nnmeter ${dir}: no fusion_rules.json`, FOLDER_HINT);
  const rulesJson = readJson(rulesPath, rulesPath);
  const pkls = readdirSync(dir)
    .filter((f) => f.endsWith('.pkl'))
    .sort();
  if (pkls.length === 0) fail(`nnmeter ${dir}: no *.pkl predictors`, FOLDER_HINT);
  const forests = new Map<string, Forest>();
  for (const f of pkls) forests.set(f.slice(0, -4), readForestPickle(new Uint8Array(readFileSync(join(dir, f))), f));
  return { path: dir, rulesJson, rules: readFusionRules(rulesJson, rulesPath), forests };
}

function loadJson(file: string): MeterPredictors {
  const j = readJson(file, file) as Partial<PredictorsJson> | null;
  if (j === null || typeof j !== 'object' || j.format !== PREDICTORS_FORMAT || typeof j.predictors !== 'object')
    fail(`nnmeter ${file}: not an hwnas nn-Meter predictors file (format ${PREDICTORS_FORMAT})`, FOLDER_HINT);
  const forests = new Map<string, Forest>();
  for (const [k, f] of Object.entries(j.predictors ?? {})) {
    if (f === null || typeof f !== 'object' || !Array.isArray(f.trees))
      fail(`nnmeter ${file}: predictor ${k} has no trees`, FOLDER_HINT);
    forests.set(k, forestFromTrees(f.nFeatures, f.trees, `${basename(file)} ${k}`));
  }
  return {
    path: file,
    rulesJson: j.fusionRules,
    rules: readFusionRules(j.fusionRules, `${file} fusionRules`),
    forests,
  };
}

const loaded = new Map<string, MeterPredictors>();

/** Predictors from a folder or a converted JSON file, read once per process. */
export function loadPredictors(path: string): MeterPredictors {
  if (path === '') fail(`source 'nnmeter:' needs a predictor folder or JSON file`, FOLDER_HINT);
  const abs = resolve(path);
  const hit = loaded.get(abs);
  if (hit) return hit;
  if (!existsSync(abs)) fail(`nnmeter ${path}: no such file or folder`, FOLDER_HINT);
  let p: MeterPredictors;
  try {
    p = statSync(abs).isDirectory() ? loadFolder(abs) : loadJson(abs);
  } catch (e) {
    if (isHwnasError(e)) throw e;
    fail(`nnmeter ${path}: cannot be read (${(e as Error).message})`, FOLDER_HINT);
  }
  p.path = path;
  loaded.set(abs, p);
  return p;
}

/** The predictors as the plain JSON file `nnmeter:<file.json>` reads. */
export function predictorsToJson(p: MeterPredictors): PredictorsJson {
  const predictors: Record<string, ForestJson> = {};
  for (const [k, f] of [...p.forests.entries()].sort((a, b) => a[0].localeCompare(b[0])))
    predictors[k] = forestToJson(f);
  return { format: PREDICTORS_FORMAT, fusionRules: p.rulesJson, predictors };
}
