/**
 * PyTorch export speed (issue 14):
 * 1. all 91,125 BLOX architectures exported to PyTorch source (network built + source written to a
 *    string): total seconds (target < 60 s), against the same loop building the networks only;
 * 2. what the evaluator command adds per evaluation before it starts the program: the module source
 *    written beside the ONNX file (target < 1 ms), against the ONNX export alone;
 * 3. the coordinator's CPU per evaluation with the trainer excluded (an in-process table evaluator),
 *    with and without a --constraint mask (target: unchanged, < 1 ms).
 * `npm run bench torch` (BENCH_BLOX_LIMIT=N exports only the first N BLOX architectures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsyncSearch } from '../src/distributed/async-search.js';
import { LocalDispatcher } from '../src/distributed/dispatch.js';
import { ColumnsEvaluator } from '../src/distributed/evaluator.js';
import { toOnnx } from '../src/ir/onnx.js';
import { toTorchSource } from '../src/ir/torch.js';
import { feasibleMask, parseConstraints } from '../src/problem/index.js';
import { createStrategy } from '../src/search/index.js';
import { getSpace } from '../src/space/all.js';
import { radices, type SearchSpace } from '../src/space/types.js';

/** Wall and CPU milliseconds of `fn` (CPU: this process's user + system time; the machine may be shared). */
function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

function bloxExport(): void {
  const space = getSpace('blox');
  const limit = Math.min(space.size, Number(process.env.BENCH_BLOX_LIMIT ?? space.size));
  let nodes = 0;
  const build = timed(() => {
    for (let a = 0; a < limit; a++) nodes += space.network(a).nodes.length;
  });
  let chars = 0;
  const total = timed(() => {
    for (let a = 0; a < limit; a++) chars += toTorchSource(space.network(a)).length;
  });
  console.log(
    `blox: ${limit} architectures to PyTorch source: ${(total.wall / 1000).toFixed(1)} s wall, ${(total.cpu / 1000).toFixed(1)} s CPU (target < 60 s for 91,125); ` +
      `networks alone ${(build.cpu / 1000).toFixed(1)} s CPU, so the source costs ${((total.cpu - build.cpu) / limit).toFixed(3)} ms CPU each ` +
      `(${(chars / limit / 1024).toFixed(1)} KiB, ${(nodes / limit).toFixed(0)} nodes)`,
  );
}

function perEvaluation(space: SearchSpace, dir: string, count = 200): void {
  const archs = Array.from({ length: count }, (_, i) => Math.floor((i * space.size) / count));
  const graphs = archs.map((a) => space.network(a));
  const onnx = () =>
    timed(() => {
      for (let i = 0; i < count; i++) writeFileSync(join(dir, 'arch.onnx'), toOnnx(graphs[i]!, { seed: archs[i]! }));
    });
  const torch = () =>
    timed(() => {
      for (let i = 0; i < count; i++)
        writeFileSync(
          join(dir, 'arch.py'),
          toTorchSource(graphs[i]!, { title: `${space.id} architecture ${archs[i]}` }),
        );
    });
  torch(); // warm-up
  const o = onnx();
  const t = torch();
  console.log(
    `${space.id}: the module source per evaluation ${(t.cpu / count).toFixed(3)} ms CPU (${(t.wall / count).toFixed(3)} ms wall; target < 1 ms), ` +
      `the ONNX file beside it ${(o.cpu / count).toFixed(3)} ms CPU: ratio ${(t.cpu / o.cpu).toFixed(3)}`,
  );
}

async function coordinator(dir: string): Promise<void> {
  const space = getSpace('examples/fmnist-m7.json');
  const n = space.size;
  const acc = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    acc[i] = 50 + ((Math.imul(i + 1, 2654435761) >>> 0) % 4000) / 100;
    lat[i] = 1 + ((Math.imul(i + 7, 40503) >>> 0) % 997) / 100;
  }
  const ev = new ColumnsEvaluator([
    { name: 'accuracy', source: 'bench:acc', direction: 'max', unit: '%', values: acc },
    { name: 'latency', source: 'bench:lat', direction: 'min', unit: 'ms', values: lat },
  ]);
  const covered = feasibleMask(space, parseConstraints(['fits:cortex-m7'])).mask;
  const run = async (mask: Uint8Array | undefined, evals: number): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const r = await runAsyncSearch({
      space,
      createStrategy: () => createStrategy('re', { radix: radices(space), objectives: 2, seed: 1 }),
      objectives: ev.specs(),
      evals,
      concurrency: 2,
      seed: 1,
      dispatcher: new LocalDispatcher(ev),
      historyPath: join(dir, `h-${Math.random().toString(36).slice(2)}.jsonl`),
      config: { strategy: 're' },
      ...(mask ? { covered: mask } : {}),
    });
    if (r.tells.length !== evals) throw new Error(`told ${r.tells.length}`);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / 1000 / evals;
  };
  await run(undefined, 500);
  const plain = await run(undefined, 5000);
  const masked = await run(covered, 5000);
  console.log(
    `coordinator CPU per evaluation (trainer excluded): ${plain.toFixed(3)} ms plain, ${masked.toFixed(3)} ms with --constraint fits:cortex-m7 (target < 1 ms), ratio ${(masked / plain).toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-torch-'));
  try {
    perEvaluation(getSpace('nb201'), dir);
    perEvaluation(getSpace('examples/fmnist-m7.json'), dir);
    await coordinator(dir);
    bloxExport();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
