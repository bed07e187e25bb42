/**
 * A kernel's predictor name and feature vector, as nn-Meter's `get_predict_features`, `merge_conv_kernels`
 * and `get_kernel_name` make them (shared/reference/nn-meter.md 2.4, 2.5): the kernel's attributes come
 * from its first node (input shapes, `ks`, `strides`, `inputh` = H of a 4-D first input, `cin` = last dim
 * of the first input, `cout` = last dim of the output); the first rule that matches the op string wins.
 */
import { fail } from '../../errors.js';
import type { MeterKernel } from './detect.js';

export interface KernelFeatures {
  /** Predictor (pkl) name, e.g. `conv-bn-relu`, `global-avgpool`. */
  predictor: string;
  features: number[];
}

/** conv: PARAMS = COUT (K^2 CIN + 1), dwconv: COUT (K^2 + 1); FLOPs = 2 (HW/S)^2 PARAMS (nn_meter/utils). */
function convFlopsParams(op: string, hw: number, cin: number, cout: number, k: number, s: number): [number, number] {
  const params = op.includes('dwconv') ? cout * (k * k + 1) : cout * (k * k * cin + 1);
  return [2 * (hw / s) * (hw / s) * params, params];
}

/** merge_conv_kernels, then get_kernel_name. */
export function predictorName(op: string): string {
  if (op.includes('conv') && !op.includes('dwconv')) return 'conv-bn-relu';
  if (op.includes('dwconv')) return 'dwconv-bn-relu';
  switch (op) {
    case 'fc-relu':
      return 'fc';
    case 'max-pool':
      return 'maxpool';
    case 'avg-pool':
      return 'avgpool';
    case 'global-pool':
    case 'gap':
      return 'global-avgpool';
    case 'channel_shuffle':
      return 'channelshuffle';
    case 'bn-relu':
      return 'bnrelu';
    case 'add-relu':
      return 'addrelu';
    case 'SE':
    case 'SE-relu':
    case 'se':
    case 'se-relu':
      return 'se';
    default:
      return op;
  }
}

/** The feature vector of one kernel, or undefined when nn-Meter has none for its op (0 ms). */
export function kernelFeatures(k: MeterKernel): KernelFeatures | undefined {
  const op = k.op;
  const a = k.attrs;
  const it = a.type === 'hswish' ? a.inShapes.slice(0, 1) : a.inShapes;
  const in0 = it[0];
  const inputh = in0?.length === 4 ? in0[1] : undefined;
  const cin = in0?.[in0.length - 1];
  const cout = a.outShape[a.outShape.length - 1]!;
  const need = (v: number | undefined, what: string): number => {
    if (v === undefined)
      fail(
        `nn-Meter kernel ${op} has no ${what}`,
        'nn-Meter itself stops on such a kernel (a KeyError in get_predict_features)',
      );
    return v;
  };
  let f: number[] | undefined;
  if (op.includes('conv') || op.includes('maxpool') || op.includes('avgpool')) {
    const ks = need(a.ks?.[1], 'kernel size');
    const s = a.strides?.[1] ?? 1;
    const hw = need(inputh, 'input height');
    if (op.includes('conv')) {
      const [flops, params] = convFlopsParams(op, hw, need(cin, 'cin'), cout, ks, s);
      f = [hw, need(cin, 'cin'), cout, ks, s, flops / 2e6, params / 1e6];
    } else if (op.includes('fc')) {
      f = fcFeatures(need(cin, 'cin'), cout);
    } else if (op.includes('pool') && !op.includes('global')) {
      f = [hw, need(cin, 'cin'), cout, ks, s];
    }
  }
  if (f) return { predictor: predictorName(op), features: f };
  if (op.includes('fc')) f = fcFeatures(need(cin, 'cin'), cout);
  else if (op.includes('global-pool') || op.includes('global-avgpool') || op.includes('gap'))
    // nn-Meter tests hasattr(dict, "inputh"), always false: HW is 1.
    f = [1, need(cin, 'cin')];
  else if (op.includes('channelshuffle') || op.includes('split'))
    f = [need(in0?.[1], 'input height'), need(in0?.[3], 'cin')];
  else if (op.includes('se') || op.includes('SE')) {
    const last = it[it.length - 1];
    f = [need(last?.[last.length - 2], 'input width'), need(last?.[last.length - 1], 'cin')];
  } else if (op.includes('concat')) {
    f = [need(it[0]?.[1], 'input height'), it.length, ...it.map((s) => s[s.length - 1]!)];
    if (f.length < 6) f.push(...new Array<number>(6 - f.length).fill(0));
    else if (f.length > 6) {
      f = f.slice(0, 6);
      f[1] = 6;
    }
  } else if (op === 'hswish') {
    const h = inputh ?? (in0?.length === 2 ? in0[0] : in0?.[1]);
    f = [need(h, 'input height'), need(cin, 'cin')];
  } else if (op === 'bn' || op === 'relu' || op === 'bn-relu') {
    const s = need(in0?.length, 'input');
    f = s === 4 ? [in0![1]!, in0![3]!] : [in0![0]!, in0![1]!];
  } else if (op === 'add-relu' || op === 'add') {
    f = [need(in0?.[1], 'input height'), need(in0?.[3], 'cin of input 1'), need(it[1]?.[3], 'cin of input 2')];
  }
  return f ? { predictor: predictorName(op), features: f } : undefined;
}

function fcFeatures(cin: number, cout: number): number[] {
  const flop = (2 * cin + 1) * cout;
  return [cin, cout, flop / 2e6, flop / 1e6];
}
