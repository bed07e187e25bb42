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

function bloxExport(): void {
  const space = getSpace('blox');
  const limit = Math.min(space.size, Number(process.env.BENCH_BLOX_LIMIT ?? space.size));
  let t0 = performance.now();
  let nodes = 0;
  for (let a = 0; a < limit; a++) nodes += space.network(a).nodes.length;
  const buildMs = performance.now() - t0;
  t0 = performance.now();
  let chars = 0;
  for (let a = 0; a < limit; a++) chars += toTorchSource(space.network(a)).length;
  const totalMs = performance.now() - t0;
  console.log(
    `blox: ${limit} architectures to PyTorch source in ${(totalMs / 1000).toFixed(1)} s (target < 60 s for 91,125; ` +
      `networks alone ${(buildMs / 1000).toFixed(1)} s, source ${((totalMs - buildMs) / 1000).toFixed(1)} s; ` +
      `${(totalMs / limit).toFixed(3)} ms each, ${(chars / limit / 1024).toFixed(1)} KiB, ${(nodes / limit).toFixed(0)} nodes)`,
  );
}

function perEvaluation(space: SearchSpace, dir: string, count = 300): void {
  const archs = Array.from({ length: count }, (_, i) => Math.floor((i * space.size) / count));
  const time = (withTorch: boolean): number => {
    const t0 = performance.now();
    for (const a of archs) {
      const g = space.network(a);
      writeFileSync(join(dir, 'arch.onnx'), toOnnx(g, { seed: a }));
      if (withTorch) writeFileSync(join(dir, 'arch.py'), toTorchSource(g, { title: `${space.id} architecture ${a}` }));
    }
    return (performance.now() - t0) / count;
  };
  time(true); // warm-up
  const onnx = time(false);
  const both = time(true);
  console.log(
    `${space.id}: request files per evaluation ${both.toFixed(3)} ms with the module source, ${onnx.toFixed(3)} ms ONNX alone: +${(both - onnx).toFixed(3)} ms (target < 1 ms), ratio ${(both / onnx).toFixed(2)}`,
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
