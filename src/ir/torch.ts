/**
 * PyTorch export of an IR graph: the source of one self-contained `nn.Module` (plain Python, imports only
 * torch) computing exactly the graph, op for op, as the ONNX export does (onnx.ts): the same ranks (a flat
 * N x F tensor is viewed as N x F x 1 x 1 where a 4-d op needs it), the same batch-norm epsilon, relu6 as
 * a clip to [0, 6], `zero` as x * 0. Module attributes are named `n<node id>`, so a state dict (torch-
 * weights.ts) written from `initParams` loads into it. The text is a pure function of the graph.
 */
import { fail } from '../errors.js';
import { type ConvAttrs, type Graph, isLinear, isPool, type Node, numel } from './graph.js';

export interface TorchSourceOptions {
  /** First comment line: what the network is (space, architecture). */
  title?: string;
}

function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** The Python source of the module `Net` (and the helpers `build()` and `load_weights()`). */
export function toTorchSource(g: Graph, opts: TorchSourceOptions = {}): string {
  const layers: string[] = [];
  const body: string[] = [];
  /** Python expression of each node's output, and its rank (4 = N,C,H,W; 2 = N,F). */
  const names: string[] = [];
  const ranks: number[] = [];
  const as4 = (id: number): string =>
    ranks[id] === 4 ? names[id]! : `${names[id]}.reshape(${names[id]}.shape[0], -1, 1, 1)`;
  const as2 = (id: number): string => (ranks[id] === 2 ? names[id]! : `torch.flatten(${names[id]}, 1)`);

  for (const n of g.nodes) {
    const v = `x${n.id}`;
    names[n.id] = v;
    ranks[n.id] = 4;
    const x = n.inputs[0]!;
    const m = `self.n${n.id}`;
    const emit = (expr: string, rank = ranks[x]!): void => {
      body.push(`        ${v} = ${expr}  # ${n.scope}`);
      ranks[n.id] = rank;
    };
    switch (n.op) {
      case 'input':
        body.push(`        ${v} = x`);
        break;
      case 'conv2d': {
        const a = (n as Node & { attrs: ConvAttrs }).attrs;
        const cin = g.nodes[x]!.shape.c;
        layers.push(
          `        ${m} = nn.Conv2d(${cin}, ${a.outChannels}, ${a.kernel}, stride=${a.stride}, padding=${a.padding}, groups=${a.groups}, bias=${pyBool(a.bias)})`,
        );
        emit(`${m}(${as4(x)})`, 4);
        break;
      }
      case 'batchnorm':
        layers.push(`        ${m} = nn.BatchNorm${ranks[x] === 2 ? '1' : '2'}d(${n.shape.c}, eps=1e-5)`);
        emit(`${m}(${names[x]})`);
        break;
      case 'relu':
        emit(`F.relu(${names[x]})`);
        break;
      case 'relu6':
        emit(`torch.clamp(${names[x]}, 0.0, 6.0)`);
        break;
      case 'hswish':
        emit(`F.hardswish(${names[x]})`);
        break;
      case 'sigmoid':
        emit(`torch.sigmoid(${names[x]})`);
        break;
      case 'add':
      case 'concat':
      case 'mul': {
        const flat = n.inputs.every((i) => ranks[i] === 2);
        const inputs = n.inputs.map((i) => (flat ? names[i]! : as4(i)));
        const rank = flat ? 2 : 4;
        if (n.op === 'concat') emit(`torch.cat([${inputs.join(', ')}], 1)`, rank);
        else emit(inputs.join(n.op === 'mul' ? ' * ' : ' + '), rank);
        break;
      }
      case 'avgpool':
      case 'maxpool': {
        if (!isPool(n)) break;
        const a = n.attrs;
        emit(
          n.op === 'avgpool'
            ? `F.avg_pool2d(${as4(x)}, ${a.kernel}, stride=${a.stride}, padding=${a.padding}, count_include_pad=${pyBool(a.countIncludePad)})`
            : `F.max_pool2d(${as4(x)}, ${a.kernel}, stride=${a.stride}, padding=${a.padding})`,
          4,
        );
        break;
      }
      case 'globalavgpool':
        emit(`torch.mean(${as4(x)}, (2, 3), keepdim=True)`, 4);
        break;
      case 'flatten':
        emit(`torch.flatten(${names[x]}, 1)`, 2);
        break;
      case 'linear': {
        if (!isLinear(n)) break;
        const cin = g.nodes[x]!.shape.c;
        layers.push(`        ${m} = nn.Linear(${cin}, ${n.attrs.outFeatures}, bias=${pyBool(n.attrs.bias)})`);
        emit(`${m}(${as2(x)})`, 2);
        break;
      }
      case 'identity':
        emit(names[x]!);
        break;
      case 'zero':
        emit(`${names[x]} * 0.0`);
        break;
      default:
        fail(`PyTorch export does not support op '${(n as Node).op}' (node ${n.id}, ${n.scope})`);
    }
  }
  const out = as2(g.output);
  const s = g.inputShape;
  const classes = numel(g.nodes[g.output]!.shape);
  return `${header(opts.title ?? g.name, s, classes)}
class Net(nn.Module):
    """${g.name}: input N x ${s.c} x ${s.h} x ${s.w}, output logits N x ${classes}."""

    input_shape = (${s.c}, ${s.h}, ${s.w})
    classes = ${classes}

    def __init__(self):
        super().__init__()
${layers.length > 0 ? layers.join('\n') : '        pass'}

    def forward(self, x):
${body.join('\n')}
        return ${out}


def build():
    """A fresh Net (PyTorch's default initialisation; load_weights gives hwnas's seeded one)."""
    return Net()
${LOADER}`;
}

function header(title: string, s: { c: number; h: number; w: number }, classes: number): string {
  const clean = title.replace(/[\r\n]+/g, ' ');
  return `# ${clean}
# Generated by hwnas export-torch: the network of the IR graph, op for op (imports only torch).
# Input N x ${s.c} x ${s.h} x ${s.w} float32, output logits N x ${classes}.
import torch
import torch.nn.functional as F
from torch import nn

`;
}

/**
 * Reads what `--weights` writes: `.safetensors` (parsed here, no safetensors package needed) or `.pt`
 * (a plain state dict, read with torch.load(weights_only=True): no pickle code runs).
 */
const LOADER = `

def load_weights(module, path):
    """Load a state dict written by hwnas export-torch --weights (.safetensors or .pt) into module."""
    if str(path).lower().endswith(".safetensors"):
        import json

        with open(path, "rb") as f:
            data = f.read()
        size = int.from_bytes(data[:8], "little")
        meta = json.loads(data[8 : 8 + size].decode("utf-8"))
        dtypes = {"F32": torch.float32, "I64": torch.int64}
        state = {}
        base = 8 + size
        for key, info in meta.items():
            if key == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            raw = bytearray(data[base + begin : base + end])
            t = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]) if raw else torch.empty(0, dtype=dtypes[info["dtype"]])
            state[key] = t.reshape(info["shape"])
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    module.load_state_dict(state, strict=True)
    return module
`;
