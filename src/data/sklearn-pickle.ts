/**
 * A restricted unpickler for scikit-learn random forests (`RandomForestRegressor` of `DecisionTreeRegressor`
 * with their `Tree`s, as nn-Meter's predictor packages hold them), built on the plain-values reader's hooks.
 * Only these names are accepted, and only in the shapes scikit-learn 0.22 to 1.x write them:
 * - `sklearn.ensemble[._]forest.RandomForestRegressor`, `sklearn.tree[._classes|.tree].DecisionTreeRegressor`:
 *   NEWOBJ of the class (or protocol 0/1's `copyreg._reconstructor(cls, object, None)`), BUILD with a dict;
 * - `sklearn.tree._tree.Tree`: REDUCE with (n_features, n_classes array, n_outputs), BUILD with
 *   {max_depth, node_count, nodes, values};
 * - numpy arrays: `numpy[._]core.multiarray._reconstruct(ndarray, (0,), b'b')` + BUILD (version, shape,
 *   dtype, fortran, raw bytes), or protocol 5's `numpy[._]core.numeric._frombuffer(bytes, dtype, shape, order)`;
 *   `numpy.dtype(str, False, True)` + BUILD (its state tuple); `numpy[._]core.multiarray.scalar(dtype, bytes)`.
 * Anything else (another global, a REDUCE of a non-whitelisted callable, a BUILD of something not made here,
 * an array of objects, a field of the wrong type) is refused with an HwnasError; no Python name is ever
 * called, nothing is executed. The node records are read by field name and offset from the pickled dtype,
 * so both layouts work: 7 fields (0.23 to 1.2) and 8 with `missing_go_to_left` (1.3+).
 */
import { fail } from '../errors.js';
import { type Forest, forestFromTrees, type TreeArrays } from './forest.js';
import { type PickleDict, PickleRef, type PickleValue, readPickle } from './pickle.js';

const HINT = 'only scikit-learn RandomForestRegressor pickles (as nn-Meter ships them) are read; nothing is executed';

const CLASSES: Record<string, 'forest' | 'tree-estimator'> = {
  'sklearn.ensemble._forest.RandomForestRegressor': 'forest',
  'sklearn.ensemble.forest.RandomForestRegressor': 'forest',
  'sklearn.tree._classes.DecisionTreeRegressor': 'tree-estimator',
  'sklearn.tree.tree.DecisionTreeRegressor': 'tree-estimator',
};
const CALLABLES: Record<string, string> = {
  'sklearn.tree._tree.Tree': 'Tree',
  'numpy.core.multiarray._reconstruct': 'reconstruct',
  'numpy._core.multiarray._reconstruct': 'reconstruct',
  'numpy.core.numeric._frombuffer': 'frombuffer',
  'numpy._core.numeric._frombuffer': 'frombuffer',
  'numpy.core.multiarray.scalar': 'scalar',
  'numpy._core.multiarray.scalar': 'scalar',
  'numpy.dtype': 'dtype',
  'numpy.ndarray': 'ndarray',
  'copyreg._reconstructor': 'reconstructor',
  'copy_reg._reconstructor': 'reconstructor',
  'builtins.object': 'object',
  '__builtin__.object': 'object',
};

interface Dtype {
  /** e.g. `f8`, `i8`, `u1`, `V64`. */
  str: string;
  order: string;
  names: string[] | null;
  /** Field name -> [dtype, byte offset]. */
  fields: Map<string, [Dtype, number]> | null;
  itemsize: number;
}
interface NdArray {
  shape: number[];
  dtype: Dtype;
  data: Uint8Array;
}
interface Estimator {
  cls: 'forest' | 'tree-estimator';
  state: PickleDict | null;
}
interface TreeObj {
  nFeatures: number;
  nOutputs: number;
  state: PickleDict | null;
}

function tok(v: PickleValue, tag: string): PickleRef | undefined {
  return v instanceof PickleRef && v.tag === tag ? v : undefined;
}

function isTuple(v: PickleValue): v is PickleValue[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

function intOf(v: PickleValue, what: string, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${name}: ${what} is not an integer`, HINT);
  return v;
}

function dtypeOf(v: PickleValue, name: string): Dtype {
  const d = tok(v, 'dtype');
  if (!d) fail(`${name}: expected a numpy dtype`, HINT);
  return d.data as Dtype;
}

function arrayOf(v: PickleValue, what: string, name: string): NdArray {
  const a = tok(v, 'ndarray');
  if (!a || ((a.data as NdArray).data.length === 0 && (a.data as NdArray).shape.some((s) => s > 0)))
    fail(`${name}: ${what} is not a numpy array`, HINT);
  return a.data as NdArray;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Byte width of a simple little-endian dtype string (`f8`, `i8`, `u1`, ...). */
const SIMPLE = /^([fiub])(1|2|4|8)$/;

function newDtype(args: readonly PickleValue[], name: string): PickleRef {
  const s = args[0];
  if (typeof s !== 'string' || !(SIMPLE.test(s) || /^V\d{1,6}$/.test(s)))
    fail(`${name}: numpy dtype '${String(s).slice(0, 20)}' is not a number or record type`, HINT);
  const itemsize = Number(s.slice(1));
  const d: Dtype = { str: s, order: '|', names: null, fields: null, itemsize };
  return new PickleRef('dtype', d);
}

function buildDtype(d: Dtype, state: PickleValue, name: string): void {
  if (!isTuple(state) || (state.length !== 8 && state.length !== 9) || (state[0] !== 3 && state[0] !== 4))
    fail(`${name}: unexpected numpy dtype state`, HINT);
  const order = state[1];
  if (order !== '<' && order !== '|' && order !== '=')
    fail(`${name}: numpy dtype byte order '${String(order)}' (only little-endian data is read)`, HINT);
  d.order = order;
  const names = state[3];
  const fields = state[4];
  if (names !== null) {
    if (!isTuple(names) || !(fields instanceof Map)) fail(`${name}: bad record dtype`, HINT);
    d.names = names.map((n) => {
      if (typeof n !== 'string') fail(`${name}: record field name is not a string`, HINT);
      return n;
    });
    d.fields = new Map();
    for (const n of d.names) {
      const f = fields.get(n) ?? null;
      if (!isTuple(f) || f.length < 2) fail(`${name}: record field ${n} has no dtype and offset`, HINT);
      d.fields.set(n, [dtypeOf(f[0]!, name), intOf(f[1]!, `offset of field ${n}`, name)]);
    }
    const elsize = intOf(state[5]!, 'record size', name);
    if (elsize !== d.itemsize) fail(`${name}: record size ${elsize} differs from its type V${d.itemsize}`, HINT);
  }
}

function newArray(args: readonly PickleValue[], name: string): PickleRef {
  // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills.
  if (args.length !== 3 || !tok(args[0]!, 'ndarray-class')) fail(`${name}: unexpected numpy array construction`, HINT);
  return new PickleRef('ndarray', { shape: [0], dtype: null, data: new Uint8Array(0) });
}

function buildArray(a: NdArray, state: PickleValue, name: string): void {
  if (!isTuple(state) || state.length !== 5) fail(`${name}: unexpected numpy array state`, HINT);
  const shape = state[1]!;
  if (!isTuple(shape)) fail(`${name}: numpy array shape is not a tuple`, HINT);
  a.shape = shape.map((s) => intOf(s, 'array dimension', name));
  a.dtype = dtypeOf(state[2]!, name);
  if (state[3] !== false) fail(`${name}: Fortran-ordered arrays are not read`, HINT);
  const raw = state[4];
  if (!(raw instanceof Uint8Array)) fail(`${name}: numpy array data is not raw bytes (an object array?)`, HINT);
  if (raw.length !== size(a.shape) * a.dtype.itemsize)
    fail(`${name}: numpy array of shape (${a.shape.join(', ')}) has ${raw.length} bytes`, HINT);
  a.data = raw;
}

function fromBuffer(args: readonly PickleValue[], name: string): PickleRef {
  const [buf, dt, shape, order] = args;
  if (!(buf instanceof Uint8Array) || !isTuple(shape ?? null) || order !== 'C')
    fail(`${name}: unexpected numpy array (protocol 5) construction`, HINT);
  const a: NdArray = {
    shape: (shape as PickleValue[]).map((s) => intOf(s, 'array dimension', name)),
    dtype: dtypeOf(dt!, name),
    data: buf,
  };
  if (buf.length !== size(a.shape) * a.dtype.itemsize)
    fail(`${name}: numpy buffer size does not match its shape`, HINT);
  return new PickleRef('ndarray', a);
}

function scalarValue(args: readonly PickleValue[], name: string): number | boolean {
  const d = dtypeOf(args[0]!, name);
  const b = args[1];
  if (!(b instanceof Uint8Array) || b.length !== d.itemsize || d.names) fail(`${name}: bad numpy scalar`, HINT);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const num = readNumber(v, 0, d.str, name);
  return d.str === 'b1' ? num !== 0 : num;
}

function readNumber(v: DataView, at: number, str: string, name: string): number {
  switch (str) {
    case 'f8':
      return v.getFloat64(at, true);
    case 'f4':
      return v.getFloat32(at, true);
    case 'i8': {
      const x = v.getBigInt64(at, true);
      if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER))
        fail(`${name}: integer beyond 2^53 in an array`, HINT);
      return Number(x);
    }
    case 'u8':
      return Number(v.getBigUint64(at, true));
    case 'i4':
      return v.getInt32(at, true);
    case 'u4':
      return v.getUint32(at, true);
    case 'i2':
      return v.getInt16(at, true);
    case 'u2':
      return v.getUint16(at, true);
    case 'i1':
      return v.getInt8(at);
    case 'u1':
    case 'b1':
      return v.getUint8(at);
    default:
      fail(`${name}: numpy type ${str} is not read`, HINT);
  }
}

/** Hooks: the whitelist. Every object made is a PickleRef with one of the tags above. */
function hooks(name: string) {
  const refuse = (what: string): never => fail(`${name}: ${what} is not allowed`, HINT);
  return {
    global(module: string, n: string): PickleValue {
      const full = `${module}.${n}`;
      const cls = CLASSES[full];
      if (cls) return new PickleRef('class', cls);
      const c = CALLABLES[full];
      if (c === 'ndarray') return new PickleRef('ndarray-class', null);
      if (c === 'object') return new PickleRef('object-class', null);
      if (c) return new PickleRef('callable', c);
      return refuse(`global '${full.slice(0, 120)}'`);
    },
    reduce(fn: PickleValue, args: readonly PickleValue[]): PickleValue {
      const c = tok(fn, 'callable');
      if (!c) return refuse('REDUCE of anything but a whitelisted numpy/scikit-learn callable');
      switch (c.data) {
        case 'Tree': {
          if (args.length !== 3) return refuse('a Tree with unexpected arguments');
          const t: TreeObj = {
            nFeatures: intOf(args[0]!, 'Tree n_features', name),
            nOutputs: intOf(args[2]!, 'Tree n_outputs', name),
            state: null,
          };
          arrayOf(args[1]!, 'Tree n_classes', name);
          return new PickleRef('tree', t);
        }
        case 'reconstruct':
          return newArray(args, name);
        case 'frombuffer':
          return fromBuffer(args, name);
        case 'dtype':
          return newDtype(args, name);
        case 'scalar':
          return scalarValue(args, name);
        case 'reconstructor': {
          const cls = tok(args[0]!, 'class');
          if (!cls || !tok(args[1]!, 'object-class') || args[2] !== null)
            return refuse('copyreg._reconstructor of anything but a scikit-learn estimator');
          return new PickleRef('estimator', { cls: cls.data, state: null } as Estimator);
        }
        default:
          return refuse(`REDUCE of ${String(c.data)}`);
      }
    },
    newobj(cls: PickleValue, args: readonly PickleValue[]): PickleValue {
      const c = tok(cls, 'class');
      if (!c || args.length !== 0) return refuse('NEWOBJ of anything but a scikit-learn forest or tree estimator');
      return new PickleRef('estimator', { cls: c.data, state: null } as Estimator);
    },
    build(obj: PickleValue, state: PickleValue): PickleValue {
      if (!(obj instanceof PickleRef)) return refuse('BUILD (__setstate__) of an object this reader did not make');
      switch (obj.tag) {
        case 'estimator': {
          const e = obj.data as Estimator;
          if (e.state || !(state instanceof Map)) return refuse('BUILD of an estimator with a non-dict state');
          e.state = state;
          return obj;
        }
        case 'tree': {
          const t = obj.data as TreeObj;
          if (t.state || !(state instanceof Map)) return refuse('BUILD of a Tree with a non-dict state');
          t.state = state;
          return obj;
        }
        case 'ndarray':
          buildArray(obj.data as NdArray, state, name);
          return obj;
        case 'dtype':
          buildDtype(obj.data as Dtype, state, name);
          return obj;
        default:
          return refuse(`BUILD (__setstate__) of ${obj.tag}`);
      }
    },
  };
}

function field(state: PickleDict, key: string, name: string): PickleValue {
  if (!state.has(key)) fail(`${name}: the pickled object has no '${key}'`, HINT);
  return state.get(key)!;
}

const NODE_FIELDS: Record<string, string> = {
  left_child: 'i8',
  right_child: 'i8',
  feature: 'i8',
  threshold: 'f8',
};

function treeArrays(t: TreeObj, name: string): TreeArrays {
  const s = t.state;
  if (!s) fail(`${name}: a Tree without state`, HINT);
  if (t.nOutputs !== 1) fail(`${name}: a Tree with ${t.nOutputs} outputs (nn-Meter's have one)`, HINT);
  const count = intOf(field(s, 'node_count', name), 'node_count', name);
  const nodes = arrayOf(field(s, 'nodes', name), 'Tree nodes', name);
  const values = arrayOf(field(s, 'values', name), 'Tree values', name);
  const fields = nodes.dtype.fields;
  if (!fields || nodes.shape.length !== 1 || nodes.shape[0] !== count)
    fail(`${name}: Tree nodes are not ${count} records`, HINT);
  const off: Record<string, number> = {};
  for (const [f, str] of Object.entries(NODE_FIELDS)) {
    const spec = fields.get(f);
    if (!spec || spec[0].str !== str || spec[0].fields || spec[1] < 0 || spec[1] + 8 > nodes.dtype.itemsize)
      fail(`${name}: Tree node records have no ${str} field '${f}'`, HINT);
    off[f] = spec[1];
  }
  if (values.dtype.str !== 'f8' || values.dtype.fields || size(values.shape) !== count || values.shape[0] !== count)
    fail(`${name}: Tree values are not ${count} float64 numbers`, HINT);
  const nv = new DataView(nodes.data.buffer, nodes.data.byteOffset, nodes.data.byteLength);
  const vv = new DataView(values.data.buffer, values.data.byteOffset, values.data.byteLength);
  const out: TreeArrays = { left: [], right: [], feature: [], threshold: [], value: [] };
  const w = nodes.dtype.itemsize;
  for (let i = 0; i < count; i++) {
    const b = i * w;
    out.left.push(readNumber(nv, b + off.left_child!, 'i8', name));
    out.right.push(readNumber(nv, b + off.right_child!, 'i8', name));
    out.feature.push(readNumber(nv, b + off.feature!, 'i8', name));
    out.threshold.push(nv.getFloat64(b + off.threshold!, true));
    out.value.push(vv.getFloat64(i * 8, true));
  }
  return out;
}

/** Read a pickled RandomForestRegressor into a Forest (`name` goes into error messages). */
export function readForestPickle(bytes: Uint8Array, name: string): Forest {
  const top = readPickle(bytes, name, hooks(name));
  const est = tok(top, 'estimator');
  const rf = est?.data as Estimator | undefined;
  if (rf?.cls !== 'forest' || !rf.state) fail(`${name}: not a pickled RandomForestRegressor`, HINT);
  const list = field(rf.state, 'estimators_', name);
  if (!Array.isArray(list) || Object.isFrozen(list) || list.length === 0)
    fail(`${name}: estimators_ is not a list of trees (an unfitted forest?)`, HINT);
  let nFeatures = -1;
  const trees = list.map((e, k) => {
    const d = tok(e, 'estimator')?.data as Estimator | undefined;
    if (d?.cls !== 'tree-estimator' || !d.state)
      fail(`${name}: estimators_[${k}] is not a DecisionTreeRegressor`, HINT);
    const t = tok(field(d.state, 'tree_', name), 'tree')?.data as TreeObj | undefined;
    if (!t) fail(`${name}: estimators_[${k}].tree_ is not a Tree`, HINT);
    if (nFeatures >= 0 && t.nFeatures !== nFeatures) fail(`${name}: trees with different numbers of features`, HINT);
    nFeatures = t.nFeatures;
    return treeArrays(t, `${name} tree ${k}`);
  });
  return forestFromTrees(nFeatures, trees, name);
}
