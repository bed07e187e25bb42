/**
 * An IR graph as nn-Meter sees a PyTorch model: exported to ONNX in eval mode (a BatchNorm that follows a
 * conv with no other consumer is folded into it; nn.Identity leaves no node; dead ops are dropped) and read
 * by nn-Meter's OnnxConverter, whose node types `convert_nodes` then renames (shared/reference/nn-meter.md
 * 2.1, 2.2). Shapes are NHWC lists (`[1, H, W, C]`, `[1, F]` after Flatten/Gemm), batch 1.
 *
 * IR op -> ONNX op -> nn-Meter type: conv2d -> Conv -> `conv` (`dwconv` when group == Cin); batchnorm ->
 * BatchNormalization -> `bn`; relu -> Relu, relu6 -> Clip -> `relu`; hswish -> HardSwish (opset 14+, kept:
 * no alias); sigmoid -> Sigmoid (kept); add of n inputs -> n-1 chained Add -> `add` (as `a + b + c`
 * exports); mul -> Mul -> `mul`; zero (NAS-Bench-201 `none`, `x * 0`) -> Mul by a constant -> `mul`;
 * avgpool/maxpool -> AveragePool/MaxPool -> `avgpool`/`maxpool`; globalavgpool -> GlobalAveragePool ->
 * `gap`; flatten -> Flatten -> `reshape`; linear -> Gemm -> `fc` (after a Flatten if its input is 4-D);
 * concat -> Concat -> `concat`; identity -> no node.
 */
import { type Graph, isConv, isLinear, isPool, type Node } from '../../ir/graph.js';

export interface MeterNode {
  /** nn-Meter op type after alias conversion. */
  type: string;
  /** Producers (indices into the node list); graph inputs are not nodes. Repeats kept (Add(x, x)). */
  inbounds: number[];
  /** Input shapes after `convert_nodes` (add/mul: the first non-empty one for every input). */
  inShapes: number[][];
  outShape: number[];
  /** `ks` and `strides` attributes ([k, k], [s, s]) of convs and pools. */
  ks?: number[];
  strides?: number[];
  /** Search decision of the IR node (-1: fixed part). */
  block: number;
}

/** An IR value as the ONNX graph holds it: its producer (-1: the graph input) and NHWC shape. */
interface Value {
  ref: number;
  shape: number[];
}

function nhwc(n: Node, rank: number): number[] {
  return rank === 2 ? [1, n.shape.c * n.shape.h * n.shape.w] : [1, n.shape.h, n.shape.w, n.shape.c];
}

/** IR nodes the output depends on (the ONNX export keeps no other). */
function liveNodes(g: Graph): Uint8Array {
  const live = new Uint8Array(g.nodes.length);
  live[g.output] = 1;
  for (let i = g.output; i >= 0; i--) if (live[i]) for (const x of g.nodes[i]!.inputs) live[x] = 1;
  return live;
}

export function lowerGraph(g: Graph): MeterNode[] {
  const nodes: MeterNode[] = [];
  const live = liveNodes(g);
  const consumers = new Int32Array(g.nodes.length);
  for (const n of g.nodes) if (live[n.id]) for (const i of n.inputs) consumers[i]!++;
  const val: Value[] = [];
  const push = (
    type: string,
    inputs: Value[],
    outShape: number[],
    block: number,
    inShapes = inputs.map((v) => v.shape),
    extra: Partial<MeterNode> = {},
  ): Value => {
    nodes.push({
      type,
      inbounds: inputs.map((v) => v.ref).filter((r) => r >= 0),
      inShapes,
      outShape,
      block,
      ...extra,
    });
    return { ref: nodes.length - 1, shape: outShape };
  };
  for (const n of g.nodes) {
    if (!live[n.id]) continue;
    const ins = n.inputs.map((i) => val[i]!);
    const x = ins[0]!;
    const r = n.inputs.length > 0 ? x.shape.length : 4;
    const out = nhwc(n, r);
    const b = n.block;
    let v: Value;
    switch (n.op) {
      case 'input':
        v = { ref: -1, shape: nhwc(n, 4) };
        break;
      case 'conv2d': {
        const a = isConv(n) ? n.attrs : undefined;
        const k = a?.kernel ?? 1;
        const s = a?.stride ?? 1;
        const type = a?.groups === x.shape[3] ? 'dwconv' : 'conv';
        v = push(type, [x], nhwc(n, 4), b, undefined, { ks: [k, k], strides: [s, s] });
        break;
      }
      case 'batchnorm': {
        const src = n.inputs[0]!;
        v = isConv(g.nodes[src]!) && consumers[src] === 1 && src !== g.output ? x : push('bn', [x], out, b);
        break;
      }
      case 'relu':
      case 'relu6':
        v = push('relu', [x], out, b);
        break;
      case 'hswish':
        v = push('HardSwish', [x], out, b);
        break;
      case 'sigmoid':
        v = push('Sigmoid', [x], out, b);
        break;
      case 'add': {
        // a + b + c exports as Add(Add(a, b), c); convert_nodes gives every input the first one's shape.
        v = x;
        for (const y of ins.slice(1)) v = push('add', [v, y], out, b, [v.shape, v.shape]);
        break;
      }
      case 'mul':
        v = push(
          'mul',
          ins,
          out,
          b,
          ins.map(() => x.shape),
        );
        break;
      case 'zero':
        // x * 0: the constant is no node; its empty shape is replaced by x's.
        v = push('mul', [x], out, b, [x.shape, x.shape]);
        break;
      case 'avgpool':
      case 'maxpool': {
        const k = isPool(n) ? n.attrs.kernel : 1;
        const s = isPool(n) ? n.attrs.stride : 1;
        v = push(n.op, [x], nhwc(n, 4), b, undefined, { ks: [k, k], strides: [s, s] });
        break;
      }
      case 'globalavgpool':
        v = push('gap', [x], nhwc(n, 4), b);
        break;
      case 'flatten':
        v = push('reshape', [x], nhwc(n, 2), b);
        break;
      case 'linear': {
        // Gemm needs N x F: the export flattens a 4-D input first.
        const flat = r === 4 ? push('reshape', [x], [1, x.shape[1]! * x.shape[2]! * x.shape[3]!], b) : x;
        v = isLinear(n) ? push('fc', [flat], nhwc(n, 2), b) : flat;
        break;
      }
      case 'concat':
        v = push('concat', ins, out, b);
        break;
      default:
        // identity (no node in the export)
        v = x;
    }
    val[n.id] = v;
  }
  return nodes;
}
