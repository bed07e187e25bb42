/**
 * ONNX export of an IR graph (opset 17) through the protobufjs-generated ONNX types of `onnx-proto`.
 * Input `input` is N x C x H x W float32 with a symbolic batch dimension `N`; output `logits` is N x F.
 * Parameters come from `initParams` (He-initialised from the seed, or explicit values); batch norms are
 * exported as BatchNormalization or folded into the conv they follow. The bytes are a pure function of
 * (graph, options): no timestamps, initializers in node order.
 */
import onnxProto from 'onnx-proto';
import { fail } from '../errors.js';
import { type ConvAttrs, type Graph, isConv, isLinear, isPool, type Node, numel } from './graph.js';
import { type ExplicitParams, initParams, type NodeParams } from './init.js';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

export const OPSET = 17;
/** ONNX IR version 8 (ONNX 1.10+); ONNX Runtime reads it with opset 17. */
const IR_VERSION = 8;
const BN_EPSILON = 1e-5;

export interface OnnxOptions {
  seed: number;
  /** Fold each batch norm that directly follows a conv (its only consumer) into that conv. */
  foldBn?: boolean;
  /** Parameter values to use instead of the initialised ones, by node id. */
  params?: ExplicitParams;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const AT = onnx.AttributeProto.AttributeType;

function floatTensor(name: string, dims: number[], values: Float32Array): ITensorProto {
  // Little-endian raw bytes, as the ONNX spec requires (every supported host is little-endian).
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function int64Tensor(name: string, values: number[]): ITensorProto {
  const v = BigInt64Array.from(values, (x) => BigInt(x));
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(v.buffer) };
}

function ints(name: string, values: number[]): IAttributeProto {
  return { name, type: AT.INTS, ints: values };
}
function int(name: string, value: number): IAttributeProto {
  return { name, type: AT.INT, i: value };
}
function float(name: string, value: number): IAttributeProto {
  return { name, type: AT.FLOAT, f: value };
}

/** Ids of batch norms to fold, mapped to the conv they fold into. */
function foldableBatchNorms(g: Graph): Map<number, number> {
  const consumers = new Int32Array(g.nodes.length);
  for (const n of g.nodes) for (const i of n.inputs) consumers[i]!++;
  const folds = new Map<number, number>();
  for (const n of g.nodes) {
    if (n.op !== 'batchnorm') continue;
    const src = g.nodes[n.inputs[0]!]!;
    if (isConv(src) && consumers[src.id] === 1 && src.id !== g.output) folds.set(n.id, src.id);
  }
  return folds;
}

/** conv' = conv * s, bias' = (bias - mean) * s + beta with s = gamma / sqrt(var + eps), per output channel. */
function foldInto(conv: Node & { attrs: ConvAttrs }, cp: NodeParams, bp: NodeParams): NodeParams {
  const out = conv.attrs.outChannels;
  const w = Float32Array.from(cp.weight!);
  const per = w.length / out;
  const b = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const s = bp.weight![o]! / Math.sqrt(bp.variance![o]! + BN_EPSILON);
    for (let k = o * per; k < (o + 1) * per; k++) w[k] = w[k]! * s;
    b[o] = ((cp.bias?.[o] ?? 0) - bp.mean![o]!) * s + bp.bias![o]!;
  }
  return { weight: w, bias: b };
}

/** Serialises the graph as an ONNX model. */
export function toOnnx(g: Graph, opts: OnnxOptions): Uint8Array {
  const params = initParams(g, opts.seed, opts.params);
  const folds = opts.foldBn ? foldableBatchNorms(g) : new Map<number, number>();
  for (const [bn, conv] of folds) {
    params.set(conv, foldInto(g.nodes[conv] as Node & { attrs: ConvAttrs }, params.get(conv)!, params.get(bn)!));
  }

  const nodes: INodeProto[] = [];
  const inits: ITensorProto[] = [];
  /** ONNX tensor name and rank (4 = N,C,H,W; 2 = N,F after flatten/linear) of each IR node's output. */
  const names: string[] = [];
  const ranks: number[] = [];
  const shared = new Set<string>();
  const constant = (name: string, make: () => ITensorProto): string => {
    if (!shared.has(name)) {
      shared.add(name);
      inits.push(make());
    }
    return name;
  };
  const axes23 = () => constant('const.axes23', () => int64Tensor('const.axes23', [2, 3]));

  /** Input `id` as a rank-4 tensor (unsqueezing a flat N x F one to N x F x 1 x 1). */
  /** Reshaped copies already emitted (a tensor may feed several consumers). */
  const reshaped = new Set<string>();
  const as4 = (id: number): string => {
    if (ranks[id] === 4) return names[id]!;
    const t = `${names[id]}.unsqueezed`;
    if (!reshaped.has(t)) {
      reshaped.add(t);
      nodes.push({ name: t, opType: 'Unsqueeze', input: [names[id]!, axes23()], output: [t] });
    }
    return t;
  };
  /** Input `id` as a flat N x F tensor. */
  const as2 = (id: number): string => {
    if (ranks[id] === 2) return names[id]!;
    const t = `${names[id]}.flat`;
    if (!reshaped.has(t)) {
      reshaped.add(t);
      nodes.push({ name: t, opType: 'Flatten', input: [names[id]!], output: [t], attribute: [int('axis', 1)] });
    }
    return t;
  };

  for (const n of g.nodes) {
    const at = `n${n.id}`;
    const out = n.id === 0 ? 'input' : `${at}.out`;
    const label = `${n.scope}#${n.id}`;
    names[n.id] = out;
    ranks[n.id] = 4;
    const x = n.inputs[0]!;
    const one = (opType: string, input: string[], attribute: IAttributeProto[] = [], rank = ranks[x]!) => {
      nodes.push({ name: label, opType, input, output: [out], attribute });
      ranks[n.id] = rank;
    };
    switch (n.op) {
      case 'input':
        break;
      case 'conv2d': {
        const a = (n as Node & { attrs: ConvAttrs }).attrs;
        const p = params.get(n.id)!;
        const cin = g.nodes[x]!.shape.c;
        inits.push(floatTensor(`${at}.weight`, [a.outChannels, cin / a.groups, a.kernel, a.kernel], p.weight!));
        const input = [as4(x), `${at}.weight`];
        if (p.bias) {
          inits.push(floatTensor(`${at}.bias`, [a.outChannels], p.bias));
          input.push(`${at}.bias`);
        }
        one(
          'Conv',
          input,
          [
            ints('kernel_shape', [a.kernel, a.kernel]),
            ints('strides', [a.stride, a.stride]),
            ints('pads', [a.padding, a.padding, a.padding, a.padding]),
            ints('dilations', [1, 1]),
            int('group', a.groups),
          ],
          4,
        );
        break;
      }
      case 'batchnorm': {
        const conv = folds.get(n.id);
        if (conv !== undefined) {
          names[n.id] = names[conv]!; // the conv already applies it
          ranks[n.id] = ranks[conv]!;
          break;
        }
        const p = params.get(n.id)!;
        const c = n.shape.c;
        for (const k of ['weight', 'bias', 'mean', 'variance'] as const)
          inits.push(floatTensor(`${at}.${k}`, [c], p[k]!));
        one(
          'BatchNormalization',
          [names[x]!, `${at}.weight`, `${at}.bias`, `${at}.mean`, `${at}.variance`],
          [float('epsilon', BN_EPSILON)],
        );
        break;
      }
      case 'relu':
        one('Relu', [names[x]!]);
        break;
      case 'relu6': {
        const lo = constant('const.zero', () => floatTensor('const.zero', [], new Float32Array([0])));
        const hi = constant('const.six', () => floatTensor('const.six', [], new Float32Array([6])));
        one('Clip', [names[x]!, lo, hi]);
        break;
      }
      case 'hswish':
        one('HardSwish', [names[x]!]);
        break;
      case 'sigmoid':
        one('Sigmoid', [names[x]!]);
        break;
      case 'add':
      case 'concat':
      case 'mul': {
        // Mixed ranks (a flat N x F beside N x C x H x W) are aligned to rank 4 so broadcasting is by channel.
        const flat = n.inputs.every((i) => ranks[i] === 2);
        const input = n.inputs.map((i) => (flat ? names[i]! : as4(i)));
        const rank = flat ? 2 : 4;
        if (n.op === 'concat') one('Concat', input, [int('axis', 1)], rank);
        else if (n.op === 'mul') one('Mul', input, [], rank);
        else one(input.length === 2 ? 'Add' : 'Sum', input, [], rank);
        break;
      }
      case 'avgpool':
      case 'maxpool': {
        if (!isPool(n)) break;
        const a = n.attrs;
        const attrs = [
          ints('kernel_shape', [a.kernel, a.kernel]),
          ints('strides', [a.stride, a.stride]),
          ints('pads', [a.padding, a.padding, a.padding, a.padding]),
        ];
        if (n.op === 'avgpool') attrs.push(int('count_include_pad', a.countIncludePad ? 1 : 0));
        one(n.op === 'avgpool' ? 'AveragePool' : 'MaxPool', [as4(x)], attrs, 4);
        break;
      }
      case 'globalavgpool':
        one('GlobalAveragePool', [as4(x)], [], 4);
        break;
      case 'flatten':
        one('Flatten', [names[x]!], [int('axis', 1)], 2);
        break;
      case 'linear': {
        if (!isLinear(n)) break;
        const p = params.get(n.id)!;
        const cin = g.nodes[x]!.shape.c;
        inits.push(floatTensor(`${at}.weight`, [n.attrs.outFeatures, cin], p.weight!));
        const input = [as2(x), `${at}.weight`];
        if (p.bias) {
          inits.push(floatTensor(`${at}.bias`, [n.attrs.outFeatures], p.bias));
          input.push(`${at}.bias`);
        }
        one('Gemm', input, [int('transB', 1)], 2);
        break;
      }
      case 'identity':
        one('Identity', [names[x]!]);
        break;
      case 'zero': {
        const zero = constant('const.zero', () => floatTensor('const.zero', [], new Float32Array([0])));
        one('Mul', [names[x]!, zero]);
        break;
      }
      default:
        fail(`ONNX export does not support op '${(n as Node).op}' (node ${n.id}, ${n.scope})`);
    }
  }

  // The output is always flat N x F under the name `logits`.
  const last = g.nodes[g.output]!;
  const features = numel(last.shape);
  const src = names[g.output]!;
  nodes.push(
    ranks[g.output] === 2
      ? { name: 'logits', opType: 'Identity', input: [src], output: ['logits'] }
      : { name: 'logits', opType: 'Flatten', input: [src], output: ['logits'], attribute: [int('axis', 1)] },
  );

  const s = g.inputShape;
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'hwnas',
    domain: 'hwnas',
    modelVersion: 1,
    docString: `${g.name}; seed ${opts.seed}; batch norms ${opts.foldBn ? 'folded' : 'exported'}`,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: g.name,
      node: nodes,
      initializer: inits,
      input: [valueInfo('input', [s.c, s.h, s.w])],
      output: [valueInfo('logits', [features])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(name: string, dims: number[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] } },
    },
  };
}
