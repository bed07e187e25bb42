/**
 * `npm run bench early-stop`: full evaluations against ASHA early stopping (`open-search --early-stop
 * asha`) at the same wall-clock budget, per seed. Both searches of a seed run at once (random search, the
 * same seed, so ASHA sees the same architectures in the same order, more of them), each at concurrency 1,
 * for HWNAS_ES_SECONDS (--max-seconds). Prints, per seed, the final HV of both on one scale, the time
 * ASHA takes to reach the full search's final HV as a share of the budget (the baseline), and the
 * evaluations each made.
 *
 * Evaluator: the formula learning curves (test/helpers/curve-evaluator.mjs, 6 epochs of
 * HWNAS_ES_EPOCH_MS each) by default; HWNAS_ES_REAL=1 trains on Fashion-MNIST (examples/train/train.py,
 * needs /usr/bin/python3 with torch and Debian's dataset-fashion-mnist) with latency from the Cortex-M7
 * model, taken once per evaluation (HWNAS_ES_WARM=1: the trainer's --warm mode). HWNAS_ES_SEEDS (default 0,1,2), HWNAS_ES_OUT keeps the search folders
 * (for `hwnas report ASHA --baseline FULL`) and writes summary.json there.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonHvCurves, hvAt, timeToReach } from '../src/distributed/convergence.js';
import { parseObjectiveSpecs } from '../src/distributed/evaluator.js';
import { readHistory, type TellRecord } from '../src/distributed/history.js';
import { type OpenSearchOptions, runOpenSearch } from '../src/distributed/open-search.js';

const real = process.env.HWNAS_ES_REAL === '1';
// HWNAS_ES_WARM=1: the trainer's --warm mode (torch imported once), so an evaluation pays no start-up
const warm = process.env.HWNAS_ES_WARM === '1';
const seconds = Number(process.env.HWNAS_ES_SECONDS ?? (real ? 300 : 60));
const seeds = (process.env.HWNAS_ES_SEEDS ?? '0,1,2').split(',').map(Number);
const epochMs = Number(process.env.HWNAS_ES_EPOCH_MS ?? 150);
const out = process.env.HWNAS_ES_OUT ?? mkdtempSync(join(tmpdir(), 'hwnas-es-bench-'));
mkdirSync(out, { recursive: true });

const objectives = 'accuracy:max,latency:min';
const setup: Partial<OpenSearchOptions> = real
  ? {
      space: 'examples/fmnist-m7.json',
      evaluator: `/usr/bin/python3 examples/train/train.py${warm ? ' --warm' : ''}`,
      objective: ['model:cortex-m7'],
      budget: '{"epochs": 6, "train": 512, "test": 500}',
    }
  : { space: 'nb201', evaluator: `node test/helpers/curve-evaluator.mjs --epoch-ms ${epochMs}`, budget: '6' };

function options(dir: string, seed: number, early: boolean): OpenSearchOptions {
  return {
    space: 'nb201',
    objectives,
    queueName: 'hwnas-eval',
    concurrency: '1',
    evals: '100000',
    seed: String(seed),
    strategy: 'random',
    onnx: false,
    maxFail: '0.5',
    failWindow: '20',
    quiet: true,
    out: dir,
    ...setup,
    ...(early ? { earlyStop: 'asha:eta=3,min=1' } : {}),
  };
}

/**
 * One search for the wall-clock budget (--max-seconds), its history read back. Rerun with the same
 * HWNAS_ES_OUT, a finished search only writes its outputs again (its time is spent).
 */
async function timed(dir: string, seed: number, early: boolean): Promise<TellRecord[]> {
  await runOpenSearch({ ...options(dir, seed, early), maxSeconds: String(seconds) }, new AbortController().signal);
  const h = readHistory(join(dir, 'history.jsonl'));
  return (h?.records ?? []).filter((r): r is TellRecord => r.type === 'tell');
}

const specs = parseObjectiveSpecs(objectives);
const rows: Record<string, unknown>[] = [];
const fmt = (v: number | undefined, d = 3) => (v === undefined ? 'never' : v.toFixed(d));
console.log(
  `early stopping (${real ? 'Fashion-MNIST trainer, 6 epochs' : `formula curves, 6 epochs of ${epochMs} ms`}), ${seconds} s per search, random search, concurrency 1`,
);
console.log(
  'seed  evals full  evals asha (stopped)  HV full  HV asha  HV asha (complete only)  asha reaches full HV at',
);
for (const seed of seeds) {
  const fullDir = join(out, `seed${seed}-full`);
  const ashaDir = join(out, `seed${seed}-asha`);
  const [full, asha] = await Promise.all([timed(fullDir, seed, false), timed(ashaDir, seed, true)]);
  const complete = asha.filter((t) => !t.stopped);
  const { curves } = commonHvCurves([full, asha, complete], specs);
  const [cf, ca, cc] = curves as [(typeof curves)[0], (typeof curves)[0], (typeof curves)[0]];
  const end = seconds;
  const hvFull = hvAt(cf, end);
  const hvAsha = hvAt(ca, end);
  const hvComplete = hvAt(cc, end);
  const reach = timeToReach(ca, hvFull);
  const share = reach === undefined ? undefined : reach / end;
  rows.push({
    seed,
    fullEvals: full.length,
    ashaEvals: asha.length,
    ashaStopped: asha.length - complete.length,
    hvFull,
    hvAsha,
    hvAshaComplete: hvComplete,
    reachSeconds: reach ?? null,
    reachShare: share ?? null,
    curveFull: cf,
    curveAsha: ca,
  });
  console.log(
    `${String(seed).padEnd(4)}  ${String(full.length).padEnd(10)}  ${`${asha.length} (${asha.length - complete.length})`.padEnd(20)}  ${fmt(hvFull).padEnd(7)}  ${fmt(hvAsha).padEnd(7)}  ${fmt(hvComplete).padEnd(23)}  ${reach === undefined ? 'never' : `${reach.toFixed(1)} s = ${(100 * share!).toFixed(0)}% of the budget`}`,
  );
}
writeFileSync(join(out, 'summary.json'), `${JSON.stringify({ real, seconds, epochMs, seeds, rows }, null, 1)}\n`);
console.log(
  `searches and summary.json in ${out}; e.g. hwnas report ${join(out, `seed${seeds[0]}-asha`)} --baseline ${join(out, `seed${seeds[0]}-full`)}`,
);
