/**
 * JSON -> LayeredSpec with strict validation: every error names the field by its JSON path
 * (`layers[3].choices[1].kernel must be an odd integer >= 1, got 4`). Unknown fields are errors so that
 * typos do not silently fall back to defaults.
 */
import { fail } from '../../errors.js';
import { jsonText } from '../../io/json-text.js';
import { type Activation, type ChoiceSpec, choiceOut, type LayeredSpec, type LayerSpec, type OpSpec } from './spec.js';

const ACTIVATIONS: readonly Activation[] = ['relu', 'relu6', 'hswish', 'none'];
const OPS = ['conv', 'depthwise', 'sepconv', 'mbconv', 'identity', 'maxpool', 'avgpool'] as const;
const OP_ALIASES: Record<string, (typeof OPS)[number]> = { skip: 'identity', dwconv: 'depthwise' };
/** Fields each op accepts besides `op`, `name` and `out`. */
const OP_FIELDS: Record<(typeof OPS)[number], readonly string[]> = {
  conv: ['kernel', 'groups', 'bias', 'bn', 'act'],
  depthwise: ['kernel', 'bn', 'act'],
  sepconv: ['kernel', 'act'],
  mbconv: ['expand', 'kernel', 'se', 'act', 'residual'],
  identity: [],
  maxpool: ['kernel'],
  avgpool: ['kernel'],
};
const LAYER_FIELDS = ['name', 'repeat', 'out', 'stride', 'choices'];
const NAME_RE = /^[A-Za-z0-9_.-]+$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const describe = jsonText;
function object(v: unknown, path: string): Json {
  if (!isObject(v)) fail(`${path} must be an object, got ${describe(v)}`);
  return v;
}
function int(v: unknown, path: string, min: number, opts: { odd?: boolean; required?: boolean } = {}): number {
  const what = `${opts.odd ? 'an odd integer' : 'an integer'} >= ${min}`;
  if (v === undefined && opts.required !== false) fail(`${path} is required (${what})`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || (opts.odd && v % 2 !== 1)) {
    fail(`${path} must be ${what}, got ${describe(v)}`);
  }
  return v;
}
function optInt(v: unknown, path: string, min: number, odd = false): number | undefined {
  return v === undefined ? undefined : int(v, path, min, { odd });
}
function bool(v: unknown, path: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(`${path} must be true or false, got ${describe(v)}`);
  return v;
}
function str(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') fail(`${path} must be a non-empty string, got ${describe(v)}`);
  return v;
}
function name(v: unknown, path: string): string | undefined {
  const s = str(v, path);
  if (s !== undefined && !NAME_RE.test(s)) fail(`${path} '${s}' may only contain letters, digits, '_', '.' and '-'`);
  return s;
}
function onlyFields(o: Json, path: string, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`${path}.${k} is not a field of ${what} (fields: ${allowed.join(', ')})`);
  }
}
function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(`${path} must be an array, got ${describe(v)}`);
  return v;
}

function activation(v: unknown, path: string): Activation {
  if (v === undefined) return 'relu';
  if (typeof v !== 'string' || !ACTIVATIONS.includes(v as Activation)) {
    fail(`${path} must be one of ${ACTIVATIONS.join(', ')}, got ${describe(v)}`);
  }
  return v as Activation;
}

/** Op spec and output override of a choice (or of a fixed layer's inline op fields). */
function opSpec(o: Json, path: string): { op: OpSpec; out: number | undefined; name: string | undefined } {
  const raw = o.op;
  if (raw === undefined) fail(`${path}.op is required (one of ${OPS.join(', ')})`);
  const op = typeof raw === 'string' ? (OP_ALIASES[raw] ?? raw) : raw;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    fail(`${path}.op must be one of ${OPS.join(', ')} (or skip, dwconv), got ${describe(raw)}`);
  }
  const kind = op as (typeof OPS)[number];
  onlyFields(o, path, ['op', 'name', 'out', ...OP_FIELDS[kind]], `op '${kind}'`);
  const k = () => int(o.kernel, `${path}.kernel`, 1, { odd: true });
  let spec: OpSpec;
  switch (kind) {
    case 'conv':
      spec = {
        op: 'conv',
        kernel: k(),
        groups: optInt(o.groups, `${path}.groups`, 1) ?? 1,
        bias: bool(o.bias, `${path}.bias`, false),
        bn: bool(o.bn, `${path}.bn`, true),
        act: activation(o.act, `${path}.act`),
      };
      break;
    case 'depthwise':
      spec = {
        op: 'depthwise',
        kernel: k(),
        bn: bool(o.bn, `${path}.bn`, true),
        act: activation(o.act, `${path}.act`),
      };
      break;
    case 'sepconv':
      spec = { op: 'sepconv', kernel: k(), act: activation(o.act, `${path}.act`) };
      break;
    case 'mbconv': {
      if (typeof o.expand !== 'number' || !Number.isFinite(o.expand) || o.expand < 1) {
        fail(`${path}.expand must be a number >= 1 (the expansion ratio), got ${describe(o.expand)}`);
      }
      const se = o.se ?? 0;
      if (typeof se !== 'number' || !(se >= 0 && se <= 1)) {
        fail(`${path}.se must be a ratio in [0, 1] (0 = no squeeze-excitation), got ${describe(o.se)}`);
      }
      spec = {
        op: 'mbconv',
        expand: o.expand,
        kernel: k(),
        se,
        act: activation(o.act, `${path}.act`),
        residual: bool(o.residual, `${path}.residual`, true),
      };
      break;
    }
    case 'identity':
      spec = { op: 'identity' };
      break;
    default:
      spec = { op: kind, kernel: k() };
  }
  return { op: spec, out: optInt(o.out, `${path}.out`, 1), name: name(o.name, `${path}.name`) };
}

/** Generated choice name, e.g. `mb6_k5`, `sep_k3_c24`. */
function autoName(op: OpSpec, out: number | undefined): string {
  let n: string;
  switch (op.op) {
    case 'conv':
      n = `conv_k${op.kernel}${op.groups > 1 ? `_g${op.groups}` : ''}`;
      break;
    case 'depthwise':
      n = `dw_k${op.kernel}`;
      break;
    case 'sepconv':
      n = `sep_k${op.kernel}`;
      break;
    case 'mbconv':
      n = `mb${op.expand}_k${op.kernel}${op.se > 0 ? `_se${op.se}` : ''}`;
      break;
    case 'identity':
      n = 'identity';
      break;
    default:
      n = `${op.op}_k${op.kernel}`;
  }
  return out === undefined ? n : `${n}_c${out}`;
}

function choice(v: unknown, path: string): ChoiceSpec {
  const o = object(v, path);
  const { op, out, name } = opSpec(o, path);
  return { name: name ?? autoName(op, out), op, out, path };
}

type Part = 'stem' | 'layers' | 'head';

/** One entry of stem/layers/head, expanded by `repeat` (the first copy takes the stride). */
function layerEntries(v: unknown, path: string, part: Part): Omit<LayerSpec, 'name'>[] & { baseName?: string } {
  const o = object(v, path);
  const searchable = o.choices !== undefined;
  if (searchable && part !== 'layers') {
    fail(`${path}.choices: ${part} layers are fixed; put searchable layers in 'layers'`);
  }
  const repeat = optInt(o.repeat, `${path}.repeat`, 1) ?? 1;
  const stride = optInt(o.stride, `${path}.stride`, 1) ?? 1;
  const out = optInt(o.out, `${path}.out`, 1);
  let choices: ChoiceSpec[];
  if (searchable) {
    onlyFields(o, path, LAYER_FIELDS, 'a searchable layer (op fields go into each choice)');
    const list = array(o.choices, `${path}.choices`);
    if (list.length < 1) fail(`${path}.choices must list at least one op`);
    choices = list.map((c, i) => choice(c, `${path}.choices[${i}]`));
    choices.forEach((c, i) => {
      const j = choices.findIndex((d) => d.name === c.name);
      if (j < i) fail(`${path}.choices[${i}] duplicates choices[${j}] (both named '${c.name}'): rename or remove it`);
    });
  } else {
    const fields = Object.fromEntries(
      Object.entries(o).filter(([k]) => !['name', 'repeat', 'stride', 'out'].includes(k)),
    );
    const { op } = opSpec(fields, path);
    choices = [{ name: autoName(op, undefined), op, out: undefined, path }];
  }
  const entries = [];
  for (let r = 0; r < repeat; r++) entries.push({ stride: r === 0 ? stride : 1, out, choices, searchable, path });
  return Object.assign(entries, { baseName: name(o.name, `${path}.name`) });
}

function layers(root: Json, part: Part): LayerSpec[] {
  if (root[part] === undefined) {
    if (part === 'layers') fail(`layers is required (the network's layers between stem and head)`);
    return [];
  }
  const list = array(root[part], part);
  const result: LayerSpec[] = [];
  const prefix = part === 'layers' ? 'layer' : part;
  list.forEach((v, i) => {
    const entries = layerEntries(v, `${part}[${i}]`, part);
    entries.forEach((e, r) => {
      const base = entries.baseName;
      const layerName = base === undefined ? `${prefix}${result.length}` : entries.length > 1 ? `${base}.${r}` : base;
      result.push({ ...e, name: layerName });
    });
  });
  return result;
}

/**
 * Walk the layers with every channel count each layer can receive, so that impossible combinations
 * (a depthwise op asked to change channels, groups that do not divide) fail at load time.
 */
function checkChannels(spec: LayeredSpec): void {
  let inputs = new Set([spec.input.c]);
  for (const layer of spec.layers) {
    const outs = new Set<number>();
    for (const c of layer.choices) {
      const where = layer.choices.length > 1 || layer.searchable ? c.path : layer.path;
      for (const inC of inputs) {
        const out = choiceOut(layer, c, inC);
        const op = c.op;
        if ((op.op === 'depthwise' || op.op === 'maxpool' || op.op === 'avgpool') && out !== inC) {
          fail(`${where}: op '${op.op}' keeps the channel count, but out is ${out} and the input has ${inC} channels`);
        }
        if (op.op === 'conv' && (inC % op.groups !== 0 || out % op.groups !== 0)) {
          fail(`${where}.groups (${op.groups}) must divide the input channels (${inC}) and out (${out})`);
        }
        outs.add(out);
      }
    }
    inputs = outs;
  }
}

/** Validate a parsed JSON document and normalise it. */
export function validateLayeredSpace(doc: unknown): LayeredSpec {
  const root = object(doc, 'the space file');
  onlyFields(
    root,
    '(top level)',
    ['$schema', 'name', 'title', 'source', 'dataset', 'input', 'classes', 'stem', 'layers', 'head'],
    'a space file',
  );
  const spaceName = name(root.name, 'name');
  if (spaceName === undefined) fail('name is required (a short id such as "nas-bench-macro")');
  if (root.input === undefined) fail('input is required (e.g. "input": { "channels": 3, "resolution": 32 })');
  const input = object(root.input, 'input');
  onlyFields(input, 'input', ['channels', 'resolution'], 'input');
  let h: number;
  let w: number;
  if (Array.isArray(input.resolution)) {
    if (input.resolution.length !== 2)
      fail(`input.resolution must be a number or [height, width], got ${describe(input.resolution)}`);
    h = int(input.resolution[0], 'input.resolution[0]', 1);
    w = int(input.resolution[1], 'input.resolution[1]', 1);
  } else {
    h = w = int(input.resolution, 'input.resolution', 1);
  }
  const spec: LayeredSpec = {
    name: spaceName,
    title: str(root.title, 'title') ?? spaceName,
    source: str(root.source, 'source'),
    dataset: str(root.dataset, 'dataset'),
    input: { c: int(input.channels, 'input.channels', 1), h, w },
    classes: int(root.classes, 'classes', 1),
    layers: [...layers(root, 'stem'), ...layers(root, 'layers'), ...layers(root, 'head')],
  };
  const seen = new Map<string, string>();
  for (const l of spec.layers) {
    const other = seen.get(l.name);
    if (other !== undefined && other !== l.path)
      fail(`${l.path}.name: layer name '${l.name}' is already used by ${other}`);
    if (other === undefined) seen.set(l.name, l.path);
  }
  if (!spec.layers.some((l) => l.searchable)) fail('layers must contain at least one searchable layer (with choices)');
  let size = 1;
  for (const l of spec.layers) if (l.searchable) size *= l.choices.length;
  if (size > Number.MAX_SAFE_INTEGER) fail(`the space has ${size.toExponential(3)} architectures, more than 2^53 - 1`);
  checkChannels(spec);
  return spec;
}
