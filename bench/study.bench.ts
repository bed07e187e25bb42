/**
 * The default study (NB201, CIFAR-100 accuracy, model:cortex-m7/-a76/adreno-640, pruning none /
 * params/latency 50/70/90 % / random 70 %, regularized evolution, 10 seeds x 3000 evaluations = 150 runs)
 * with data already cached: wall time end to end (target < 5 s on 2 cores) and per phase, peak RSS
 * (target < 500 MB), and the execution time on 1 vs 2 worker threads measured in the same process.
 * Needs the NB201 data: HWNAS_MIRROR (or a warm HWNAS_CACHE); skips with a reason otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../src/hardware/sources.js';
import { writeReport } from '../src/report/index.js';
import { strategyNames } from '../src/search/index.js';
import { buildConfig } from '../src/study/config.js';
import { executeStudy } from '../src/study/execute.js';
import { runStudy, StudyStore } from '../src/study/index.js';
import { prepareStudy } from '../src/study/prepare.js';

const config = buildConfig({}, strategyNames);
const dir = mkdtempSync(join(tmpdir(), 'hwnas-study-bench-'));
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

try {
  // Warm the data cache (first use fetches from the mirror); not part of the timings.
  try {
    await prepareStudy({ ...config, devices: [config.devices[0]!], pruning: ['none'] }, { quiet: true });
  } catch (e) {
    console.log(`study bench skipped: ${(e as Error).message} (set HWNAS_MIRROR=/work/shared/data/mirror)`);
    process.exit(0);
  }

  let t = performance.now();
  const outcome = await runStudy(config, { out: join(dir, 'full'), threads: 2, quiet: true });
  const fullMs = performance.now() - t;
  console.log(
    `default study end to end (150 runs, 2 threads, tables + plots + HTML): ${fullMs.toFixed(0)} ms (target < 5000 ms)`,
  );
  console.log(`  runs executed: ${outcome.execution.ran}`);

  t = performance.now();
  const prepared = await prepareStudy(config, { quiet: true });
  console.log(`  prepare (sources for 3 devices, fronts, pruning + audit): ${ms(t)}`);

  const times: Record<number, number> = {};
  for (const threads of [1, 2]) {
    const out = join(dir, `t${threads}`);
    const store = StudyStore.create(out, config);
    t = performance.now();
    await executeStudy(prepared.plan, prepared.tasks, store, { threads });
    times[threads] = performance.now() - t;
    store.close();
    const evals = prepared.tasks.length * config.evals;
    console.log(
      `  execute 150 runs on ${threads} thread(s): ${times[threads]!.toFixed(0)} ms (${Math.round(evals / (times[threads]! / 1000))} evals/s incl. indicators and commits)`,
    );
  }
  console.log(`  threads 1 vs 2: ${(times[1]! / times[2]!).toFixed(2)}x`);

  t = performance.now();
  await writeReport(join(dir, 'full'));
  console.log(`  report (exports, tables, 9 plots as SVG + PNG, HTML): ${ms(t)}`);
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS: ${peak.toFixed(0)} MB (target < 500 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
