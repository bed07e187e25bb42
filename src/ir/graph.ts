/**
 * The network IR: a DAG of tensor ops in execution order with inferred shapes. Spaces build graphs with
 * GraphBuilder; counting, latency models and ONNX export read them. Batch dimension is implicit (1).
 */
import { fail } from '../errors.js';

export type OpKind =
  | 'input'
  | 'conv2d'
  | 'batchnorm'
  | 'relu'
  | 'relu6'
  | 'hswish'
  | 'sigmoid'
  | 'add'
  | 'mul'
  | 'avgpool'
  | 'maxpool'
  | 'globalavgpool'
  | 'flatten'
  | 'linear'
  | 'concat'
  | 'identity'
  | 'zero';

/** Channels x height x width of one sample. After flatten/linear, h = w = 1. */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

export interface ConvAttrs {
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  groups: number;
  bias: boolean;
}

export interface PoolAttrs {
  kernel: number;
  stride: number;
  padding: number;
  /** avg pool only: whether padded zeros count in the divisor (PyTorch count_include_pad). */
  countIncludePad: boolean;
}

export interface LinearAttrs {
  outFeatures: number;
  bias: boolean;
}

export type Attrs = ConvAttrs | PoolAttrs | LinearAttrs | Record<string, never>;

export interface Node {
  id: number;
  op: OpKind;
  inputs: number[];
  attrs: Attrs;
  /** Output shape. */
  shape: Shape;
  /** Human-readable position, e.g. `stage1/cell/node0/mbconv/se/fc1`. */
  scope: string;
  /** Search decision this node belongs to (its "block"), or -1 for the fixed part of the network. */
  block: number;
}

export interface Graph {
  name: string;
  inputShape: Shape;
  nodes: Node[];
  /** Id of the node whose output is the network output. */
  output: number;
}

export function isConv(n: Node): n is Node & { attrs: ConvAttrs } {
  return n.op === 'conv2d';
}
export function isPool(n: Node): n is Node & { attrs: PoolAttrs } {
  return n.op === 'avgpool' || n.op === 'maxpool';
}
export function isLinear(n: Node): n is Node & { attrs: LinearAttrs } {
  return n.op === 'linear';
}

export function numel(s: Shape): number {
  return s.c * s.h * s.w;
}

function convOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/**
 * Builds a Graph node by node with shape inference. `scope()` and `block` tag the nodes so that costs can
 * be attributed to search decisions (per-block caching, pruning).
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  private scopes: string[] = [];
  /** Decision index new nodes are attributed to (-1 = fixed part). */
  block = -1;

  constructor(
    readonly name: string,
    readonly inputShape: Shape,
  ) {
    this.nodes.push({ id: 0, op: 'input', inputs: [], attrs: {}, shape: { ...inputShape }, scope: 'input', block: -1 });
  }

  get input(): number {
    return 0;
  }

  shape(id: number): Shape {
    return this.nodes[id]!.shape;
  }

  /** Run `fn` with `name` pushed on the scope path. */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Run `fn` with new nodes attributed to decision `block`. */
  inBlock<T>(block: number, fn: () => T): T {
    const saved = this.block;
    this.block = block;
    try {
      return fn();
    } finally {
      this.block = saved;
    }
  }

  private push(op: OpKind, inputs: number[], attrs: Attrs, shape: Shape, name: string): number {
    for (const i of inputs) {
      if (i < 0 || i >= this.nodes.length) throw new Error(`graph ${this.name}: node input ${i} does not exist`);
    }
    const id = this.nodes.length;
    const scope = [...this.scopes, name].join('/');
    this.nodes.push({ id, op, inputs, attrs, shape, scope, block: this.block });
    return id;
  }

  conv(x: number, a: Partial<ConvAttrs> & { outChannels: number; kernel: number }, name = 'conv'): number {
    const s = this.shape(x);
    const attrs: ConvAttrs = {
      outChannels: a.outChannels,
      kernel: a.kernel,
      stride: a.stride ?? 1,
      padding: a.padding ?? 0,
      groups: a.groups ?? 1,
      bias: a.bias ?? false,
    };
    if (s.c % attrs.groups !== 0 || attrs.outChannels % attrs.groups !== 0) {
      fail(`${this.name}: conv ${name} groups ${attrs.groups} do not divide channels ${s.c} -> ${attrs.outChannels}`);
    }
    const h = convOut(s.h, attrs.kernel, attrs.stride, attrs.padding);
    const w = convOut(s.w, attrs.kernel, attrs.stride, attrs.padding);
    if (h < 1 || w < 1) fail(`${this.name}: conv ${name} shrinks a ${s.h}x${s.w} map to nothing`);
    return this.push('conv2d', [x], attrs, { c: attrs.outChannels, h, w }, name);
  }

  bn(x: number, name = 'bn'): number {
    return this.push('batchnorm', [x], {}, { ...this.shape(x) }, name);
  }

  act(kind: 'relu' | 'relu6' | 'hswish' | 'sigmoid', x: number, name: string = kind): number {
    return this.push(kind, [x], {}, { ...this.shape(x) }, name);
  }

  relu(x: number, name = 'relu'): number {
    return this.act('relu', x, name);
  }

  /** Element-wise sum of two or more tensors of equal shape. */
  add(inputs: number[], name = 'add'): number {
    if (inputs.length < 2) throw new Error(`graph ${this.name}: add needs two inputs`);
    const s = this.shape(inputs[0]!);
    for (const i of inputs) {
      const t = this.shape(i);
      if (t.c !== s.c || t.h !== s.h || t.w !== s.w) {
        fail(`${this.name}: add ${name} of shapes ${fmt(s)} and ${fmt(t)} do not match`);
      }
    }
    return this.push('add', inputs, {}, { ...s }, name);
  }

  /** Element-wise product; the second input may be a per-channel (c x 1 x 1) scale, broadcast. */
  mul(x: number, scale: number, name = 'mul'): number {
    const s = this.shape(x);
    const t = this.shape(scale);
    if (t.c !== s.c || !((t.h === 1 && t.w === 1) || (t.h === s.h && t.w === s.w))) {
      fail(`${this.name}: mul ${name} of shapes ${fmt(s)} and ${fmt(t)} do not broadcast`);
    }
    return this.push('mul', [x, scale], {}, { ...s }, name);
  }

  pool(
    kind: 'avgpool' | 'maxpool',
    x: number,
    a: Partial<PoolAttrs> & { kernel: number },
    name: string = kind,
  ): number {
    const s = this.shape(x);
    const attrs: PoolAttrs = {
      kernel: a.kernel,
      stride: a.stride ?? a.kernel,
      padding: a.padding ?? 0,
      countIncludePad: a.countIncludePad ?? true,
    };
    const h = convOut(s.h, attrs.kernel, attrs.stride, attrs.padding);
    const w = convOut(s.w, attrs.kernel, attrs.stride, attrs.padding);
    return this.push(kind, [x], attrs, { c: s.c, h, w }, name);
  }

  globalAvgPool(x: number, name = 'gap'): number {
    return this.push('globalavgpool', [x], {}, { c: this.shape(x).c, h: 1, w: 1 }, name);
  }

  flatten(x: number, name = 'flatten'): number {
    return this.push('flatten', [x], {}, { c: numel(this.shape(x)), h: 1, w: 1 }, name);
  }

  linear(x: number, a: { outFeatures: number; bias?: boolean }, name = 'fc'): number {
    const s = this.shape(x);
    if (s.h !== 1 || s.w !== 1) fail(`${this.name}: linear ${name} needs a flat input, got ${fmt(s)}`);
    return this.push(
      'linear',
      [x],
      { outFeatures: a.outFeatures, bias: a.bias ?? true },
      { c: a.outFeatures, h: 1, w: 1 },
      name,
    );
  }

  concat(inputs: number[], name = 'concat'): number {
    const s = this.shape(inputs[0]!);
    let c = 0;
    for (const i of inputs) {
      const t = this.shape(i);
      if (t.h !== s.h || t.w !== s.w) fail(`${this.name}: concat ${name} of maps ${fmt(s)} and ${fmt(t)}`);
      c += t.c;
    }
    return this.push('concat', inputs, {}, { c, h: s.h, w: s.w }, name);
  }

  identity(x: number, name = 'identity'): number {
    return this.push('identity', [x], {}, { ...this.shape(x) }, name);
  }

  /** Output of zeros shaped like x (NAS-Bench-201 `none`): kept so that cell sums stay well formed. */
  zero(x: number, name = 'zero'): number {
    return this.push('zero', [x], {}, { ...this.shape(x) }, name);
  }

  /** Squeeze-and-excitation: GAP -> 1x1 conv (hidden) -> act -> 1x1 conv -> sigmoid -> scale x. */
  squeezeExcite(
    x: number,
    hidden: number,
    opts: { bias?: boolean; innerAct?: 'relu' | 'relu6' | 'hswish'; gate?: 'sigmoid' | 'hswish' } = {},
  ): number {
    return this.scope('se', () => {
      const c = this.shape(x).c;
      const bias = opts.bias ?? true;
      let y = this.globalAvgPool(x, 'pool');
      y = this.conv(y, { outChannels: hidden, kernel: 1, bias }, 'fc1');
      y = this.act(opts.innerAct ?? 'relu', y);
      y = this.conv(y, { outChannels: c, kernel: 1, bias }, 'fc2');
      y = this.act(opts.gate ?? 'sigmoid', y, 'gate');
      return this.mul(x, y, 'scale');
    });
  }

  /** conv -> BN -> activation, the ubiquitous triple. */
  convBnAct(
    x: number,
    a: Partial<ConvAttrs> & { outChannels: number; kernel: number },
    act: 'relu' | 'relu6' | 'hswish' | null = 'relu',
    name = 'conv',
  ): number {
    return this.scope(name, () => {
      let y = this.conv(x, a, 'conv');
      y = this.bn(y);
      if (act) y = this.act(act, y);
      return y;
    });
  }

  build(output?: number): Graph {
    return {
      name: this.name,
      inputShape: { ...this.inputShape },
      nodes: this.nodes,
      output: output ?? this.nodes.length - 1,
    };
  }
}

function fmt(s: Shape): string {
  return `${s.c}x${s.h}x${s.w}`;
}
