/**
 * The default study (NB201, CIFAR-100 accuracy, model:cortex-m7/-a76/adreno-640, pruning none /
 * params/latency 50/70/90 % / random 70 %, regularized evolution, 10 seeds x 3000 evaluations = 150 runs)
 * with data already cached: wall time end to end (target < 5 s on 2 cores) and per phase, peak RSS
 * (target < 500 MB), and the execution time on 1 vs 2 worker threads measured in the same process.
 * Needs the NB201 data: HWNAS_MIRROR (or a warm HWNAS_CACHE); skips with a reason otherwise.
 *
 * Then, each in a child process of its own (so that its peak RSS is its own), as `hwnas reproduce` runs
 * them (import, prepare, 2 worker threads, tables + plots + HTML):
 * - the same study with 100 seeds (1,500 runs; target < 500 MB), its wall time as a ratio to the
 *   10-seed study above;
 * - the poster's BLOX study (91,125 networks, the same devices, pruning, seeds and budget), then with 100
 *   seeds, on a synthetic full release written by test/fixtures/blox.ts (a mechanics fixture, not data),
 *   in a temporary HWNAS_CACHE so that the user's imported release is left alone.
 * Each child also says how much the report (tables, plots, HTML) adds to the peak RSS of the runs.
 * Last, the peak RSS of a short study (2 seeds) on 1, 2 and 4 worker threads, NB201 and BLOX, each in its own
 * process: the workers share the plan's arrays (SharedArrayBuffer), so a thread should add only its own
 * heap and runtime, not a copy of the objective matrices.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/hardware/sources.js';
import { writeReport } from '../src/report/index.js';
import { hashCachePath } from '../src/space/blox/hashCache.js';
import { buildConfig, type StudyOptions } from '../src/study/config.js';
import { importStudyData } from '../src/study/data.js';
import { executeStudy } from '../src/study/execute.js';
import { runStudy, StudyStore } from '../src/study/index.js';
import { prepareStudy } from '../src/study/prepare.js';
import { writeSyntheticBloxRelease } from '../test/fixtures/blox.js';

/** What a child process measures of one study run end to end. */
interface StudyMeasure {
  runs: number;
  wallMs: number;
  prepareMs: number;
  executeMs: number;
  reportMs: number;
  /** Peak RSS when the last run finished (before tables, plots and HTML). */
  peakBeforeReportMb: number;
  peakMb: number;
}

/** What a child process runs: a study config, on how many worker threads, with or without plots. */
interface ChildSection {
  options: StudyOptions;
  threads?: number;
  plots?: boolean;
}

const section = process.env.HWNAS_STUDY_BENCH_SECTION;
if (section) {
  await measureStudy(JSON.parse(section) as ChildSection);
  process.exit(0);
}

/** Child process: run one study end to end and print its measures as one JSON line. */
async function measureStudy({ options, threads = 2, plots = true }: ChildSection): Promise<void> {
  const config = buildConfig(options);
  const out = mkdtempSync(join(tmpdir(), 'hwnas-study-bench-child-'));
  try {
    const t0 = performance.now();
    let started = t0;
    let lastRun = t0;
    let peakBeforeReport = 0;
    const outcome = await runStudy(config, {
      out: join(out, 'study'),
      threads,
      quiet: true,
      importData: importStudyData,
      onStart: () => {
        started = performance.now();
      },
      onRun: () => {
        lastRun = performance.now();
        peakBeforeReport = process.resourceUsage().maxRSS / 1024;
      },
    });
    await writeReport(join(out, 'study'), { plots });
    const end = performance.now();
    const m: StudyMeasure = {
      runs: outcome.execution.ran,
      wallMs: end - t0,
      prepareMs: started - t0,
      executeMs: lastRun - started,
      reportMs: end - lastRun,
      peakBeforeReportMb: peakBeforeReport,
      peakMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(m)}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Run one study in a child process (same flags as this one) and read its measures. */
function studyInChild(
  options: StudyOptions,
  env: Record<string, string> = {},
  run: Omit<ChildSection, 'options'> = {},
): StudyMeasure {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...env, HWNAS_STUDY_BENCH_SECTION: JSON.stringify({ options, ...run }) },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`study bench child failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line) as StudyMeasure;
}

/** Peak RSS of the runs (no report) of one study on 1, 2 and 4 worker threads, each in its own process. */
function rssByThreads(label: string, options: StudyOptions, env: Record<string, string> = {}): void {
  const peak: Record<number, number> = {};
  for (const threads of [1, 2, 4])
    peak[threads] = studyInChild(options, env, { threads, plots: false }).peakBeforeReportMb;
  const perThread = (peak[4]! - peak[2]!) / 2;
  console.log(
    `peak RSS of the runs by worker threads (${label}, own process each): 1: ${peak[1]!.toFixed(0)} MB, 2: ${peak[2]!.toFixed(0)} MB, 4: ${peak[4]!.toFixed(0)} MB (+${perThread.toFixed(0)} MB per thread from 2 to 4)`,
  );
}

function phases(m: StudyMeasure): string {
  return `prepare ${m.prepareMs.toFixed(0)} ms (data incl. any BLOX import, sources, fronts, pruning), execute ${m.executeMs.toFixed(0)} ms, report ${m.reportMs.toFixed(0)} ms`;
}

function peaks(m: StudyMeasure): string {
  const added = Math.max(0, m.peakMb - m.peakBeforeReportMb);
  return `peak RSS: ${m.peakMb.toFixed(0)} MB (target < 500 MB); ${m.peakBeforeReportMb.toFixed(0)} MB before the report, which adds ${added.toFixed(0)} MB to the peak`;
}

const config = buildConfig({});
const dir = mkdtempSync(join(tmpdir(), 'hwnas-study-bench-'));
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

let fullMs: number | undefined;
try {
  // Warm the data cache (first use fetches from the mirror); not part of the timings.
  let nb201 = true;
  try {
    await prepareStudy({ ...config, devices: [config.devices[0]!], pruning: ['none'] }, { quiet: true });
  } catch (e) {
    console.log(`study bench skipped: ${(e as Error).message} (set HWNAS_MIRROR=../shared/data/mirror)`);
    nb201 = false;
  }
  if (nb201) fullMs = await defaultStudy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function defaultStudy(): Promise<number> {
  let t = performance.now();
  const outcome = await runStudy(config, { out: join(dir, 'full'), threads: 2, quiet: true });
  await writeReport(join(dir, 'full'));
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
  return fullMs;
}

// ---- 100 seeds (NB201), in a child process
if (fullMs !== undefined) {
  const m = studyInChild({ seeds: '100' });
  console.log(
    `\nNB201 default study with 100 seeds (${m.runs} runs, 2 threads, tables + plots + HTML, own process): ${m.wallMs.toFixed(0)} ms (${(m.wallMs / fullMs).toFixed(1)}x the 10-seed study above)`,
  );
  console.log(`  ${phases(m)}`);
  console.log(`  ${peaks(m)}`);
  rssByThreads('NB201, 2 seeds = 30 runs', { seeds: '2' });
}

// ---- the BLOX study on a synthetic full release, in a child process with a temporary cache
const bloxDir = mkdtempSync(join(tmpdir(), 'hwnas-study-bench-blox-'));
const previousCache = process.env.HWNAS_CACHE;
try {
  const cache = join(bloxDir, 'cache');
  const release = join(bloxDir, 'release');
  mkdirSync(release);
  // The model-hash table (~4-5 s to build) from the user's cache when it is there.
  const hashes = hashCachePath();
  process.env.HWNAS_CACHE = cache;
  if (existsSync(hashes)) {
    mkdirSync(dirname(hashCachePath()), { recursive: true });
    copyFileSync(hashes, hashCachePath());
  }
  const t = performance.now();
  writeSyntheticBloxRelease(release, { encoding: 'blox' });
  console.log(
    `\nBLOX study: synthetic 91,125-row release (blox-info + blox-base-0, .blox) written in ${(performance.now() - t).toFixed(0)} ms (not timed below)`,
  );
  const m = studyInChild({ space: 'blox', bloxData: release }, { HWNAS_CACHE: cache });
  console.log(
    `BLOX study end to end (3 devices x 5 pruning x 10 seeds x 3000 evals = ${m.runs} runs, 2 threads, import + tables + plots + HTML, own process): ${m.wallMs.toFixed(0)} ms${fullMs === undefined ? '' : ` (${(m.wallMs / fullMs).toFixed(1)}x the NB201 study above)`}`,
  );
  console.log(`  ${phases(m)}`);
  console.log(`  ${peaks(m)}`);
  const m100 = studyInChild({ space: 'blox', bloxData: release, seeds: '100' }, { HWNAS_CACHE: cache });
  console.log(
    `BLOX study with 100 seeds (${m100.runs} runs, own process): ${m100.wallMs.toFixed(0)} ms (${(m100.wallMs / m.wallMs).toFixed(1)}x the 10-seed BLOX study)`,
  );
  console.log(`  ${phases(m100)}`);
  console.log(`  ${peaks(m100)}`);
  rssByThreads('BLOX, 2 seeds = 30 runs', { space: 'blox', bloxData: release, seeds: '2' }, { HWNAS_CACHE: cache });
} finally {
  if (previousCache === undefined) delete process.env.HWNAS_CACHE;
  else process.env.HWNAS_CACHE = previousCache;
  rmSync(bloxDir, { recursive: true, force: true });
}
