/**
 * `hwnas open-search --space S --evaluator "python3 train.py" --objectives accuracy:max,latency:min
 *  [--queue redis://host:6379/0] --concurrency 8 --evals 500 --seed 0 --strategy re --out DIR`:
 * an asynchronous search of an open problem (each evaluation an expensive job), in process or through
 * BullMQ workers (`hwnas worker`). The history in DIR/history.jsonl makes a stopped search resumable:
 * rerun the same command. Writes the found front (CSV, JSON) and the convergence trace (HV, front size
 * over evaluations and wall time), plots and report.html. See docs/distributed.md.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { type AsyncSearchResult, checkStudyId, runAsyncSearch } from '../distributed/async-search.js';
import { buildEvaluator, sourceCoverage } from '../distributed/build.js';
import { type OpenCheckpoint, openConvergence, parseReference } from '../distributed/convergence.js';
import { type Dispatcher, LocalDispatcher } from '../distributed/dispatch.js';
import { parseObjectiveSpecs } from '../distributed/evaluator.js';
import { parseRedisUrl, QueueDispatcher } from '../distributed/queue.js';
import { DEFAULT_REDIS_TIMEOUT_S } from '../distributed/redis-link.js';
import type { ObjectiveSpec } from '../distributed/types.js';
import { fail, HwnasError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFolder, createOutputFolder } from '../io/folders.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { parseFloatOption, parseIntOption } from '../io/numbers.js';
import { progressBar } from '../io/progress.js';
import { checkStrategyOptions, createStrategy, parseStrategyOptions } from '../search/index.js';
import { getSpace } from '../space/all.js';
import { radices, type SearchSpace } from '../space/types.js';
import { sweepOpenSearchTemps } from '../study/stale.js';
import { strategyFlag, strategyOptionFlag } from './strategy-flags.js';

interface OpenSearchFlags {
  space: string;
  evaluator?: string;
  objective?: string[];
  allowMissing?: boolean;
  objectives?: string;
  queue?: string;
  queueName: string;
  password?: string;
  tls?: boolean;
  redisTimeout?: string;
  concurrency: string;
  evals: string;
  seed: string;
  strategy: string;
  population?: string;
  sample?: string;
  out: string;
  study?: string;
  timeout?: string;
  onnx?: boolean;
  budget?: string;
  maxFail: string;
  failWindow: string;
  ref?: string;
  report?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The objective specs: explicit, or from the sources, or the default for an evaluator command. */
function objectiveSpecs(f: OpenSearchFlags, sourceSpecs: ObjectiveSpec[]): ObjectiveSpec[] {
  if (f.objectives !== undefined) return parseObjectiveSpecs(f.objectives);
  if (f.evaluator === undefined && sourceSpecs.length > 0 && f.queue === undefined) return sourceSpecs;
  return parseObjectiveSpecs('accuracy:max,latency:min');
}

/**
 * Without an evaluator command, in-process sources give every objective: one they cannot give would fail
 * every evaluation, and the history written meanwhile would make the corrected command a "different search".
 */
function checkSourcesGive(specs: ObjectiveSpec[], sourceSpecs: ObjectiveSpec[]): void {
  const given = new Set(sourceSpecs.map((s) => s.name));
  const missing = specs.find((s) => !given.has(s.name));
  if (missing)
    fail(
      `--objectives names '${missing.name}', which no --objective source gives (they give: ${[...given].join(', ')})`,
      'add a source for it (e.g. --objective model:cortex-m7 for latency), an --evaluator that replies with it, or drop it from --objectives',
    );
}

function frontFiles(space: SearchSpace, specs: ObjectiveSpec[], conv: ReturnType<typeof openConvergence>) {
  const rows = conv.front.map((p) => ({
    index: p.index,
    arch: space.format(p.index),
    evaluation: p.n,
    ...p.objectives,
  }));
  const csv = stringify(
    rows.map((r) => [r.index, r.arch, r.evaluation, ...specs.map((s) => r[s.name as keyof typeof r])]),
    { header: true, columns: ['index', 'arch', 'evaluation', ...specs.map((s) => s.name)] },
  );
  const traceCsv = stringify(
    conv.checkpoints.map((c) => [c.evals, c.seconds.toFixed(3), c.ok, c.front, c.hv]),
    { header: true, columns: ['evals', 'seconds', 'ok', 'front', 'hv'] },
  );
  return { rows, csv, traceCsv };
}

export async function openSearch(
  f: OpenSearchFlags,
  signal: AbortSignal,
): Promise<{ json: Record<string, unknown>; text: string }> {
  checkStrategyOptions(f.strategy, f);
  const evals = parseIntOption('--evals', f.evals, 1, 100_000_000);
  const seed = parseIntOption('--seed', f.seed, 0, 2 ** 32 - 1);
  const concurrency = parseIntOption('--concurrency', f.concurrency, 1, 100_000);
  // The rules of the registry (search/options.ts), as for `hwnas search` and a study. No budget check,
  // as before: a budget below the population is a random search of that many evaluations.
  const { population, sample } = parseStrategyOptions(f.strategy, f).given;
  const maxFailShare = parseFloatOption('--max-fail', f.maxFail, 0, 1);
  const window = parseIntOption('--fail-window', f.failWindow, 1, 1_000_000);
  if (f.study !== undefined) checkStudyId(f.study);
  checkOutputFolder('--out', f.out);
  let budget: unknown;
  if (f.budget !== undefined) {
    try {
      budget = JSON.parse(f.budget);
    } catch {
      fail(`--budget must be JSON, got '${f.budget}'`, 'e.g. --budget \'{"epochs": 12}\' or --budget 12');
    }
  }
  const target = f.queue === undefined ? undefined : parseRedisUrl(f.queue, { password: f.password, tls: f.tls });
  const redisTimeoutS = parseIntOption(
    '--redis-timeout',
    f.redisTimeout ?? String(DEFAULT_REDIS_TIMEOUT_S),
    1,
    86_400 * 365,
  );
  const space = getSpace(f.space);
  let dispatcher: Dispatcher;
  let sourceSpecs: ObjectiveSpec[] = [];
  let covered: Uint8Array | undefined;
  let stopHint: ((reason: string) => string | undefined) | undefined;
  if (target) {
    if (f.evaluator !== undefined || f.objective !== undefined) {
      fail(
        'with --queue the workers evaluate',
        'give --evaluator/--objective to `hwnas worker`, and --objectives here',
      );
    }
    if (f.allowMissing === true)
      fail('--allow-missing applies to in-process --objective sources', 'with --queue the workers evaluate');
    dispatcher = await QueueDispatcher.open(target, {
      queueName: f.queueName,
      redisTimeoutMs: redisTimeoutS * 1000,
      log: (line) => process.stderr.write(`hwnas: ${line}\n`),
    });
  } else {
    const built = await buildEvaluator(space, f);
    sourceSpecs = built.sourceSpecs;
    if (f.evaluator === undefined) checkSourcesGive(objectiveSpecs(f, sourceSpecs), sourceSpecs);
    // A source covering part of the space is refused here, before anything is written to --out.
    covered = sourceCoverage(space, built.columns, { allowMissing: f.allowMissing === true });
    stopHint = built.stopHint;
    dispatcher = new LocalDispatcher(built.evaluator);
  }
  const specs = objectiveSpecs(f, sourceSpecs);
  const ref = f.ref === undefined ? undefined : parseReference(f.ref, specs);
  const options = { population, sample };
  createOutputFolder('--out', f.out);
  sweepOpenSearchTemps(f.out);
  const historyPath = join(f.out, 'history.jsonl');
  const bar = progressBar('open-search', evals, { quiet: f.quiet || f.json });
  let result: AsyncSearchResult;
  try {
    result = await runAsyncSearch({
      space,
      createStrategy: () =>
        createStrategy(f.strategy, { radix: radices(space), objectives: specs.length, seed, ...options }),
      objectives: specs,
      evals,
      concurrency,
      seed,
      dispatcher,
      historyPath,
      // allowMissing only when it changes the search, so earlier histories still resume.
      config: { strategy: f.strategy, ...options, budget, ...(covered ? { allowMissing: true } : {}) },
      study: f.study,
      budget,
      errorBudget: { window, maxFailShare },
      ...(stopHint ? { stopHint } : {}),
      ...(covered ? { covered } : {}),
      signal,
      onTell: (_rec, p) => bar.update(p.told),
    });
  } finally {
    bar.stop();
    await dispatcher.close();
  }
  // Ctrl-C: like reproduce and measure, one line and exit code 130. The history is complete up to here
  // (closed by runAsyncSearch); the outputs are written by the session that finishes the search.
  if (signal.aborted) {
    throw new HwnasError(
      `interrupted: ${result.tells.length} of ${evals} evaluations saved in ${historyPath}`,
      'rerun the same command to resume',
      130,
    );
  }
  const conv = openConvergence(result.tells, specs, ref ? { ref } : {});
  const { rows, csv, traceCsv } = frontFiles(space, specs, conv);
  const json = {
    study: result.study,
    space: space.id,
    strategy: f.strategy,
    seed,
    evals,
    concurrency,
    evaluation: dispatcher.title,
    objectives: specs,
    told: result.tells.length,
    failed: result.failed,
    ...(covered ? { uncovered: result.uncovered } : {}),
    replayed: result.replayed,
    redispatched: result.redispatched,
    stopped: result.stopped,
    wallSeconds: result.wallMs / 1000,
    reference: conv.reference,
    checkpoints: conv.checkpoints,
    front: rows,
  };
  const report = await exitOnInterrupt(
    () =>
      `interrupted while writing the outputs: all ${result.tells.length} evaluations are saved in ${historyPath} (rerun the same command to write them)`,
    async () => {
      writeFileAtomic(join(f.out, 'front.csv'), csv);
      writeFileAtomic(join(f.out, 'front.json'), toJson(rows));
      writeFileAtomic(join(f.out, 'trace.csv'), traceCsv);
      writeFileAtomic(join(f.out, 'search.json'), toJson(json));
      // The report module (vega, resvg) loads only when a report is written.
      return f.report !== false
        ? await import('../report/open-report.js').then((m) => m.writeOpenReport(f.out, { space }))
        : undefined;
    },
  );
  const last = conv.checkpoints[conv.checkpoints.length - 1];
  const text =
    `${f.strategy} on ${space.id}, study ${result.study}: ${result.tells.length}/${evals} evaluations` +
    ` (${result.failed} failed${covered ? `, ${result.uncovered} asks outside the sources skipped` : ''}${result.replayed ? `, ${result.replayed} resumed from the history` : ''})` +
    ` in ${(result.wallMs / 1000).toFixed(1)} s; front ${last?.front ?? 0}, HV ${last ? last.hv.toFixed(4) : 0}\n` +
    (result.stopped ? `stopped before the budget: rerun the same command to resume\n` : '') +
    `written to ${f.out}: history.jsonl, front.csv, front.json, trace.csv, search.json` +
    `${report ? ', plots/, report.html' : ''}\n`;
  return { json: stableJson(json), text };
}

/**
 * What --json prints: search.json without the wall-clock times (`wallSeconds`, each checkpoint's
 * `seconds`), so identical runs print identical bytes. The times stay in search.json and trace.csv.
 */
function stableJson(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === 'wallSeconds') continue;
    out[k] = k === 'checkpoints' ? (v as OpenCheckpoint[]).map(({ seconds: _, ...c }) => c) : v;
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('open-search')
    .description(
      'asynchronous search of an open problem: evaluator commands, in process or on BullMQ workers, resumable',
    )
    .requiredOption('--space <space>', 'search space name or user-defined space file (.json)')
    .option('--evaluator <command>', 'program run per evaluation, JSON on stdin/stdout (docs/distributed.md)')
    .option(
      '--objective <source>',
      'objective source evaluated in process (repeatable): nb201:cifar100, model:<device>, ort, table:f.csv#col',
      collect,
    )
    .option(
      '--allow-missing',
      'search only the architectures the --objective sources cover (asks outside cost no evaluation)',
    )
    .option('--objectives <list>', 'objectives of the replies and their directions (default: accuracy:max,latency:min)')
    .option('--queue <url>', 'evaluate on BullMQ workers through Redis, e.g. redis://host:6379/0 (rediss:// for TLS)')
    .option('--queue-name <name>', 'BullMQ queue name shared with the workers', 'hwnas-eval')
    .option('--password <password>', 'Redis password (overrides the URL)')
    .option('--tls', 'connect to Redis over TLS')
    .option(
      '--redis-timeout <seconds>',
      'give up (exit 2, resumable) when Redis stays unreachable this long',
      String(DEFAULT_REDIS_TIMEOUT_S),
    )
    .option('--concurrency <n>', 'evaluations in flight', '1')
    .option('--evals <n>', 'evaluation budget (failed evaluations count)', '100')
    .option('--seed <n>', 'random seed', '0')
    .addOption(strategyFlag())
    .addOption(strategyOptionFlag('population'))
    .addOption(strategyOptionFlag('sample'))
    .requiredOption('--out <dir>', 'folder for history.jsonl (resume), front.csv/json, trace.csv, search.json')
    .option('--study <id>', 'study id of a new search (default: generated; workers see it)')
    .option('--timeout <seconds>', 'kill an evaluator program after this long', '3600')
    .option('--no-onnx', 'do not export each network as ONNX for the evaluator program')
    .option('--budget <json>', 'passed to every evaluation as "budget", e.g. \'{"epochs": 12}\'')
    .option('--max-fail <share>', 'stop when more than this share of the recent evaluations failed', '0.5')
    .option('--fail-window <n>', 'recent evaluations the error budget looks at', '20')
    .option('--ref <r1,r2>', 'HV reference point in objective units (default: normalised by all evaluations, 1.1)')
    .option('--no-report', 'do not write plots/ and report.html (`hwnas report DIR` writes them later)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the result as JSON: search.json without the wall-clock times (same run, same bytes)')
    .action(async (f: OpenSearchFlags) => {
      const ac = new AbortController();
      // The first signal stops the search (evaluations in flight are stopped, the history is closed); a
      // second one exits at once (the history stays readable: a line cut short is ignored on resume).
      const onSignal = (): void => {
        if (!ac.signal.aborted) {
          ac.abort();
          return;
        }
        process.stderr.write(`hwnas: interrupted (rerun the same command to resume from ${f.out}/history.jsonl)\n`);
        process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const r = await openSearch(f, ac.signal);
        process.stdout.write(f.json ? toJson(r.json) : r.text);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
