/**
 * Stability of ONNX Runtime measurements on this host: 20 NB201 networks (CIFAR, 10 classes), default
 * settings (1 thread, 10 warm-up + 50 timed runs, batch 1), measured in two passes. Prints per network
 * the median and the relative spread (IQR / median) across repeats; the median spread (target < 3 %);
 * how far the two passes' medians differ; the time per measured network; and, as a baseline measured in
 * the same process, the floor of one timed run (a 1-node identity model). Kendall tau of the medians
 * against MACs shows how much of the ranking plain MACs explain.
 */
import { measureGraph, measureModel, ORT_DEFAULTS } from '../src/hardware/ort/index.js';
import { sampleIndices } from '../src/hardware/ort/table.js';
import { countMacs } from '../src/ir/count.js';
import { GraphBuilder } from '../src/ir/graph.js';
import { toOnnx } from '../src/ir/onnx.js';
import { getSpace } from '../src/space/all.js';

function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const s = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  return (concordant - discordant) / ((a.length * (a.length - 1)) / 2);
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const space = getSpace('nb201');
const indices = sampleIndices(space.size, 20, 1);
const graphs = indices.map((i) => space.network(i, { classes: 10 }));

// Baseline: the cost of one timed run of a trivial model (session call overhead).
const floorGraph = new GraphBuilder('floor', { c: 3, h: 32, w: 32 });
const floor = await measureModel(toOnnx(floorGraph.build(floorGraph.identity(0)), { seed: 0 }), { c: 3, h: 32, w: 32 });

const passes: { medians: number[]; spreads: number[]; seconds: number }[] = [];
for (let pass = 0; pass < 2; pass++) {
  const medians: number[] = [];
  const spreads: number[] = [];
  const t0 = performance.now();
  for (const g of graphs) {
    const r = await measureGraph(g);
    medians.push(r.medianMs);
    spreads.push(r.spread);
  }
  passes.push({ medians, spreads, seconds: (performance.now() - t0) / 1000 });
}

const [p0, p1] = passes as [(typeof passes)[0], (typeof passes)[0]];
console.log(
  `settings: ${ORT_DEFAULTS.threads} thread, ${ORT_DEFAULTS.warmup} warm-up + ${ORT_DEFAULTS.repeats} timed runs, batch 1`,
);
console.log('index  MMACs  median_ms(pass1)  spread%  median_ms(pass2)  spread%  cell');
indices.forEach((idx, k) => {
  console.log(
    `${String(idx).padStart(5)}  ${(countMacs(graphs[k]!) / 1e6).toFixed(1).padStart(5)}  ${p0.medians[k]!.toFixed(4).padStart(16)}  ${(p0.spreads[k]! * 100).toFixed(2).padStart(7)}  ${p1.medians[k]!.toFixed(4).padStart(16)}  ${(p1.spreads[k]! * 100).toFixed(2).padStart(7)}  ${space.format(idx)}`,
  );
});
const allSpreads = [...p0.spreads, ...p1.spreads];
const passDiff = p0.medians.map((m, k) => Math.abs(m - p1.medians[k]!) / m);
const macs = graphs.map((g) => countMacs(g));
console.log(
  `median relative spread across repeats: ${(median(allSpreads) * 100).toFixed(2)} % (target < 3 %; max ${(Math.max(...allSpreads) * 100).toFixed(2)} %)`,
);
console.log(
  `pass-to-pass difference of medians: median ${(median(passDiff) * 100).toFixed(2)} %, max ${(Math.max(...passDiff) * 100).toFixed(2)} %; Kendall tau pass1 vs pass2 ${kendallTau(p0.medians, p1.medians).toFixed(3)}`,
);
console.log(
  `time per measured network (export + session + ${ORT_DEFAULTS.warmup + ORT_DEFAULTS.repeats} runs): ${((p0.seconds + p1.seconds) / (2 * graphs.length)).toFixed(3)} s`,
);
console.log(
  `baseline: one run of an identity model ${floor.medianMs.toFixed(4)} ms; median network / baseline = ${(median(p0.medians) / floor.medianMs).toFixed(1)}x`,
);
console.log(`Kendall tau of measured medians vs MACs: ${kendallTau(p0.medians, macs).toFixed(3)}`);

// How well the analytical device models (issue 5, `model:`) rank this host's measurements, once they exist.
const hardwareModule = '../src/hardware/index.js';
try {
  const hw = (await import(hardwareModule)) as {
    listDevices(): (string | { id: string })[];
    getDevice(id: string): unknown;
    predictGraph(g: unknown, d: unknown): number;
  };
  for (const entry of hw.listDevices()) {
    const id = typeof entry === 'string' ? entry : entry.id;
    const device = hw.getDevice(id);
    const predicted = graphs.map((g) => hw.predictGraph(g, device));
    console.log(`Kendall tau of measured medians vs model:${id}: ${kendallTau(p0.medians, predicted).toFixed(3)}`);
  }
} catch (e) {
  console.log(`model: devices not compared (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
}
