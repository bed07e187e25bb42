/** Builds one layer choice into the IR. Padding is k // 2 everywhere ('same' for odd kernels). */
import type { GraphBuilder } from '../../ir/graph.js';
import type { Activation, OpSpec } from './spec.js';

/** Python's round(): half to even, as MobileNetV2-style code computes `round(inp * expand)`. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function act(b: GraphBuilder, x: number, a: Activation): number {
  return a === 'none' ? x : b.act(a, x);
}

function convBnAct(
  b: GraphBuilder,
  x: number,
  name: string,
  c: { out: number; kernel: number; stride?: number; groups?: number; bias?: boolean },
  bn: boolean,
  a: Activation,
): number {
  return b.scope(name, () => {
    let y = b.conv(x, {
      outChannels: c.out,
      kernel: c.kernel,
      stride: c.stride ?? 1,
      padding: c.kernel >> 1,
      groups: c.groups ?? 1,
      bias: c.bias ?? false,
    });
    if (bn) y = b.bn(y);
    return act(b, y, a);
  });
}

/** The nodes of `op` applied to `x` with the layer's stride, producing `out` channels. */
export function buildOp(b: GraphBuilder, x: number, op: OpSpec, stride: number, out: number): number {
  const inC = b.shape(x).c;
  switch (op.op) {
    case 'conv':
      return convBnAct(
        b,
        x,
        'conv',
        { out, kernel: op.kernel, stride, groups: op.groups, bias: op.bias },
        op.bn,
        op.act,
      );
    case 'depthwise':
      return convBnAct(b, x, 'dw', { out: inC, kernel: op.kernel, stride, groups: inC }, op.bn, op.act);
    case 'sepconv': {
      const y = convBnAct(b, x, 'dw', { out: inC, kernel: op.kernel, stride, groups: inC }, true, op.act);
      return convBnAct(b, y, 'pw', { out, kernel: 1 }, true, op.act);
    }
    case 'mbconv':
      return b.scope('mbconv', () => {
        const hidden = roundHalfEven(inC * op.expand);
        let y = op.expand === 1 ? x : convBnAct(b, x, 'expand', { out: hidden, kernel: 1 }, true, op.act);
        y = convBnAct(b, y, 'dw', { out: hidden, kernel: op.kernel, stride, groups: hidden }, true, op.act);
        // EfficientNet convention: the SE width is a ratio of the block's input channels.
        if (op.se > 0) y = b.squeezeExcite(y, Math.max(1, Math.floor(inC * op.se)));
        y = convBnAct(b, y, 'project', { out, kernel: 1 }, true, 'none');
        return op.residual && stride === 1 && inC === out ? b.add([y, x], 'residual') : y;
      });
    case 'identity':
      if (stride === 1 && inC === out) return b.identity(x);
      return convBnAct(b, x, 'downsample', { out, kernel: 1, stride }, true, 'none');
    case 'maxpool':
    case 'avgpool':
      return b.pool(op.op, x, { kernel: op.kernel, stride, padding: op.kernel >> 1 });
  }
}
