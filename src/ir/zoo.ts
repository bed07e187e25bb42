/**
 * Reference networks, built in the IR from their published definitions, for calibrating device models
 * against published latency figures (devices/*.json) and for sanity checks of the counters.
 * - MLPerf Tiny v0.5+ reference models (mlcommons/tiny benchmark/training): ResNet-8 (IC), DS-CNN (KWS),
 *   MobileNetV1-0.25 96x96 (VWW), FC-AutoEncoder (AD).
 * - ImageNet models as in torchvision / keras.applications: MobileNetV1 (Howard et al. 2017), MobileNetV2
 *   (Sandler et al. 2018, keras rounding of widths), SqueezeNet 1.0/1.1, ResNet-18/50, AlexNet, VGG-16.
 * Names: `mlperf-resnet8`, `mlperf-dscnn`, `mlperf-vww`, `mlperf-fc-ae`, `mobilenetv1-<alpha>-<res>[-c<classes>]`,
 * `mobilenetv2-<alpha>-<res>[-c<classes>]`, `squeezenet-1.0`, `squeezenet-1.1`, `resnet18`, `resnet50`,
 * `alexnet`, `vgg16`.
 */
import { fail } from '../errors.js';
import { type Graph, GraphBuilder } from './graph.js';

type Act = 'relu' | 'relu6';

/** keras / torchvision `_make_divisible(v, 8)`. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** Conv with bias (Keras default) + BN + activation. "same" padding for odd kernels at stride 1/2. */
function cba(
  b: GraphBuilder,
  x: number,
  out: number,
  k: number,
  s: number,
  act: Act | null,
  opts: { groups?: number; bias?: boolean } = {},
): number {
  const y = b.conv(
    x,
    {
      outChannels: out,
      kernel: k,
      stride: s,
      padding: Math.floor((k - 1) / 2),
      groups: opts.groups ?? 1,
      bias: opts.bias ?? false,
    },
    'conv',
  );
  const z = b.bn(y);
  return act ? b.act(act, z) : z;
}

/** MLPerf Tiny IC: ResNet-8 (EEMBC ResNet v1, 16 filters), CIFAR-10 32x32x3. */
function resnet8(): Graph {
  const b = new GraphBuilder('mlperf-resnet8', { c: 3, h: 32, w: 32 });
  let x = cba(b, b.input, 16, 3, 1, 'relu', { bias: true });
  for (const [f, s] of [
    [16, 1],
    [32, 2],
    [64, 2],
  ] as const) {
    x = b.scope(`stack${f}`, () => {
      let y = cba(b, x, f, 3, s, 'relu', { bias: true });
      y = cba(b, y, f, 3, 1, null, { bias: true });
      const sc = s === 1 ? x : b.conv(x, { outChannels: f, kernel: 1, stride: s, bias: true }, 'shortcut');
      return b.relu(b.add([sc, y]));
    });
  }
  x = b.pool('avgpool', x, { kernel: 8 });
  x = b.flatten(x);
  b.linear(x, { outFeatures: 10 });
  return b.build();
}

/**
 * MLPerf Tiny KWS: DS-CNN (Hello Edge "S", 64 channels) on 49x10 MFCC. The IR has square kernels only, so
 * the first layer (1 channel, 10x4 kernel, stride 2, "same": 25x5x64) is modelled as a 2x2 stride-2 conv
 * over the 10 coefficient columns read as channels of a 50x10 map: same taps (40 per output), weights,
 * MACs and output shape; only the input tensor is larger (5,000 values instead of 490).
 */
function dscnn(): Graph {
  const b = new GraphBuilder('mlperf-dscnn', { c: 10, h: 50, w: 10 });
  let x = b.conv(b.input, { outChannels: 64, kernel: 2, stride: 2, bias: true }, 'conv1');
  x = b.relu(b.bn(x));
  for (let i = 0; i < 4; i++) {
    x = b.scope(`ds${i}`, () => {
      const d = cba(b, x, 64, 3, 1, 'relu', { groups: 64, bias: true });
      return cba(b, d, 64, 1, 1, 'relu', { bias: true });
    });
  }
  x = b.globalAvgPool(x);
  x = b.flatten(x);
  b.linear(x, { outFeatures: 12 });
  return b.build();
}

/** MLPerf Tiny AD: FC-AutoEncoder, 640 inputs, 4x128 - 8 - 4x128 - 640, BN + ReLU after every hidden layer. */
function fcAutoencoder(): Graph {
  const b = new GraphBuilder('mlperf-fc-ae', { c: 640, h: 1, w: 1 });
  let x = b.input;
  for (const f of [128, 128, 128, 128, 8, 128, 128, 128, 128]) x = b.relu(b.bn(b.linear(x, { outFeatures: f })));
  b.linear(x, { outFeatures: 640 });
  return b.build();
}

function mobilenetv1(alpha: number, res: number, classes: number, name: string): Graph {
  const b = new GraphBuilder(name, { c: 3, h: res, w: res });
  const ch = (c: number) => Math.floor(c * alpha);
  let x = cba(b, b.input, ch(32), 3, 2, 'relu6');
  const cfg: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  cfg.forEach(([c, s], i) => {
    x = b.scope(`block${i + 1}`, () => {
      const cin = b.shape(x).c;
      const d = cba(b, x, cin, 3, s, 'relu6', { groups: cin });
      return cba(b, d, ch(c), 1, 1, 'relu6');
    });
  });
  x = b.flatten(b.globalAvgPool(x));
  b.linear(x, { outFeatures: classes });
  return b.build();
}

function mobilenetv2(alpha: number, res: number, classes: number, name: string): Graph {
  const b = new GraphBuilder(name, { c: 3, h: res, w: res });
  let x = cba(b, b.input, makeDivisible(32 * alpha), 3, 2, 'relu6');
  const cfg: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let blk = 0;
  for (const [t, c, n, s] of cfg) {
    const out = makeDivisible(Math.floor(c * alpha));
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      x = b.scope(`block${blk++}`, () => {
        const cin = b.shape(x).c;
        let y = x;
        if (t !== 1) y = cba(b, y, cin * t, 1, 1, 'relu6');
        y = cba(b, y, b.shape(y).c, 3, stride, 'relu6', { groups: b.shape(y).c });
        y = cba(b, y, out, 1, 1, null);
        return stride === 1 && cin === out ? b.add([x, y]) : y;
      });
    }
  }
  x = cba(b, x, alpha > 1 ? makeDivisible(1280 * alpha) : 1280, 1, 1, 'relu6');
  x = b.flatten(b.globalAvgPool(x));
  b.linear(x, { outFeatures: classes });
  return b.build();
}

function fire(b: GraphBuilder, x: number, s: number, e1: number, e3: number): number {
  const q = b.relu(b.conv(x, { outChannels: s, kernel: 1, bias: true }, 'squeeze'));
  const a = b.relu(b.conv(q, { outChannels: e1, kernel: 1, bias: true }, 'expand1x1'));
  const c = b.relu(b.conv(q, { outChannels: e3, kernel: 3, padding: 1, bias: true }, 'expand3x3'));
  return b.concat([a, c]);
}

/** torchvision SqueezeNet; max pools use ceil_mode (modelled by padding where it changes the size). */
function squeezenet(version: '1.0' | '1.1'): Graph {
  const b = new GraphBuilder(`squeezenet-${version}`, { c: 3, h: 224, w: 224 });
  const pool = (x: number) => {
    const h = b.shape(x).h;
    const pad = (h - 3) % 2 === 0 ? 0 : 1;
    return b.pool('maxpool', x, { kernel: 3, stride: 2, padding: pad });
  };
  let x: number;
  // Fire modules (squeeze, expand 1x1, expand 3x3) are the same in 1.0 and 1.1; the versions differ in
  // the stem and in where the max pools sit.
  const fires: [number, number, number][] = [
    [16, 64, 64],
    [16, 64, 64],
    [32, 128, 128],
    [32, 128, 128],
    [48, 192, 192],
    [48, 192, 192],
    [64, 256, 256],
    [64, 256, 256],
  ];
  const poolsAfter = version === '1.0' ? new Set([2, 6]) : new Set([1, 3]);
  if (version === '1.0') x = b.relu(b.conv(b.input, { outChannels: 96, kernel: 7, stride: 2, bias: true }, 'conv1'));
  else x = b.relu(b.conv(b.input, { outChannels: 64, kernel: 3, stride: 2, bias: true }, 'conv1'));
  x = pool(x);
  fires.forEach(([s, e1, e3], i) => {
    x = b.scope(`fire${i + 2}`, () => fire(b, x, s, e1, e3));
    if (poolsAfter.has(i)) x = pool(x);
  });
  x = b.relu(b.conv(x, { outChannels: 1000, kernel: 1, bias: true }, 'classifier'));
  b.flatten(b.globalAvgPool(x));
  return b.build();
}

function resnet(depth: 18 | 50): Graph {
  const b = new GraphBuilder(`resnet${depth}`, { c: 3, h: 224, w: 224 });
  let x = cba(b, b.input, 64, 7, 2, 'relu');
  x = b.pool('maxpool', x, { kernel: 3, stride: 2, padding: 1 });
  const blocks = depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
  const widths = [64, 128, 256, 512];
  blocks.forEach((n, stage) => {
    for (let i = 0; i < n; i++) {
      const s = i === 0 && stage > 0 ? 2 : 1;
      const w = widths[stage]!;
      x = b.scope(`layer${stage + 1}.${i}`, () => {
        const cin = b.shape(x).c;
        let y: number;
        let out: number;
        if (depth === 18) {
          out = w;
          y = cba(b, x, w, 3, s, 'relu');
          y = cba(b, y, w, 3, 1, null);
        } else {
          out = w * 4;
          y = cba(b, x, w, 1, 1, 'relu');
          y = cba(b, y, w, 3, s, 'relu');
          y = cba(b, y, out, 1, 1, null);
        }
        const sc = s !== 1 || cin !== out ? cba(b, x, out, 1, s, null) : x;
        return b.relu(b.add([sc, y]));
      });
    }
  });
  x = b.flatten(b.globalAvgPool(x));
  b.linear(x, { outFeatures: 1000 });
  return b.build();
}

function alexnet(): Graph {
  const b = new GraphBuilder('alexnet', { c: 3, h: 224, w: 224 });
  const conv = (x: number, c: number, k: number, s: number, p: number) =>
    b.relu(b.conv(x, { outChannels: c, kernel: k, stride: s, padding: p, bias: true }));
  let x = conv(b.input, 64, 11, 4, 2);
  x = b.pool('maxpool', x, { kernel: 3, stride: 2 });
  x = conv(x, 192, 5, 1, 2);
  x = b.pool('maxpool', x, { kernel: 3, stride: 2 });
  x = conv(x, 384, 3, 1, 1);
  x = conv(x, 256, 3, 1, 1);
  x = conv(x, 256, 3, 1, 1);
  x = b.pool('maxpool', x, { kernel: 3, stride: 2 });
  x = b.flatten(x);
  x = b.relu(b.linear(x, { outFeatures: 4096 }));
  x = b.relu(b.linear(x, { outFeatures: 4096 }));
  b.linear(x, { outFeatures: 1000 });
  return b.build();
}

function vgg16(): Graph {
  const b = new GraphBuilder('vgg16', { c: 3, h: 224, w: 224 });
  let x = b.input;
  for (const [c, n] of [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ] as const) {
    for (let i = 0; i < n; i++) x = b.relu(b.conv(x, { outChannels: c, kernel: 3, padding: 1, bias: true }));
    x = b.pool('maxpool', x, { kernel: 2, stride: 2 });
  }
  x = b.flatten(x);
  x = b.relu(b.linear(x, { outFeatures: 4096 }));
  x = b.relu(b.linear(x, { outFeatures: 4096 }));
  b.linear(x, { outFeatures: 1000 });
  return b.build();
}

const FIXED: Record<string, () => Graph> = {
  'mlperf-resnet8': resnet8,
  'mlperf-dscnn': dscnn,
  'mlperf-vww': () => mobilenetv1(0.25, 96, 2, 'mlperf-vww'),
  'mlperf-fc-ae': fcAutoencoder,
  'squeezenet-1.0': () => squeezenet('1.0'),
  'squeezenet-1.1': () => squeezenet('1.1'),
  resnet18: () => resnet(18),
  resnet50: () => resnet(50),
  alexnet,
  vgg16,
};

/** Names of the fixed zoo networks (MobileNets take `-<alpha>-<res>[-c<classes>]`). */
export function zooNames(): string[] {
  return [...Object.keys(FIXED), 'mobilenetv1-<alpha>-<res>[-c<classes>]', 'mobilenetv2-<alpha>-<res>[-c<classes>]'];
}

/** The zoo network `name` (see the module comment). */
export function zooGraph(name: string): Graph {
  const fixed = FIXED[name];
  if (fixed) return fixed();
  const m = /^mobilenetv([12])-(\d+(?:\.\d+)?)-(\d+)(?:-c(\d+))?$/.exec(name);
  if (m) {
    const alpha = Number(m[2]);
    const res = Number(m[3]);
    const classes = m[4] ? Number(m[4]) : 1000;
    if (alpha > 0 && res >= 32 && classes >= 1)
      return m[1] === '1' ? mobilenetv1(alpha, res, classes, name) : mobilenetv2(alpha, res, classes, name);
  }
  fail(`unknown zoo network '${name}'`, `use one of: ${zooNames().join(', ')}`);
}
