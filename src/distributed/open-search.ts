/**
 * An open-problem search as one call (`hwnas open-search`): checks the options, builds the evaluation
 * (evaluator command, in-process sources, or BullMQ workers), runs the asynchronous search with resume
 * from DIR/history.jsonl, and writes the found front (CSV, JSON), the convergence trace and search.json.
 * Plots and report.html are the report module's (the command writes them after this returns).
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { fail, HwnasError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFolder, createOutputFolder } from '../io/folders.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { parseFloatOption, parseIntOption } from '../io/numbers.js';
import { progressBar } from '../io/progress.js';
import { feasibleMask, parseConstraints } from '../problem/index.js';
import {
  AllowedSpace,
  adaptiveScheduleOf,
  checkStrategyOptions,
  createPrunedStrategy,
  parseStrategyOptions,
  type Strategy,
} from '../search/index.js';
import { getSpace } from '../space/all.js';
import { radices, type SearchSpace } from '../space/types.js';
import { type AsyncSearchResult, checkStudyId, runAsyncSearch } from './async-search.js';
import { buildEvaluator, sourceCoverage } from './build.js';
import { type OpenCheckpoint, openConvergence, parseReference } from './convergence.js';
import { type Dispatcher, LocalDispatcher } from './dispatch.js';
import { parseEarlyStop } from './early-stop.js';
import { parseObjectiveSpecs } from './evaluator.js';
import { sweepOpenSearchTemps } from './layout.js';
import { type OpenPruning, openPruning } from './pruning.js';
import { parseRedisUrl, QueueDispatcher } from './queue.js';
import { DEFAULT_REDIS_TIMEOUT_S } from './redis-link.js';
import type { ObjectiveSpec } from './types.js';

/** The options of an open search, as given on the command line (checked here). */
export interface OpenSearchOptions {
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
  torch?: boolean;
  budget?: string;
  earlyStop?: string;
  maxSeconds?: string;
  maxFail: string;
  failWindow: string;
  ref?: string;
  /** Pruning setting (`<metric>@<ratio>` or `adaptive:<metric>@<ratio>[:<rule>]`) and the source scoring blocks. */
  pruning?: string;
  pruningSource?: string;
  /** Hard constraints (params<=, weights<=, peak<=, fits:<device>, ...): infeasible asks cost no evaluation. */
  constraint?: string[];
  quiet?: boolean;
  json?: boolean;
}

/** What a finished search gives the command: --json's object, the summary lines, the space searched. */
export interface OpenSearchOutcome {
  json: Record<string, unknown>;
  text: string;
  space: SearchSpace;
  historyPath: string;
  told: number;
}

/** The objective specs: explicit, or from the sources, or the default for an evaluator command. */
function objectiveSpecs(f: OpenSearchOptions, sourceSpecs: ObjectiveSpec[]): ObjectiveSpec[] {
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

export async function runOpenSearch(f: OpenSearchOptions, signal: AbortSignal): Promise<OpenSearchOutcome> {
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
  const earlyStop = f.earlyStop === undefined ? undefined : parseEarlyStop(f.earlyStop, budget);
  const maxSeconds =
    f.maxSeconds === undefined ? undefined : parseFloatOption('--max-seconds', f.maxSeconds, 0, 86_400 * 365);
  const target = f.queue === undefined ? undefined : parseRedisUrl(f.queue, { password: f.password, tls: f.tls });
  const redisTimeoutS = parseIntOption(
    '--redis-timeout',
    f.redisTimeout ?? String(DEFAULT_REDIS_TIMEOUT_S),
    1,
    86_400 * 365,
  );
  const space = getSpace(f.space);
  if (f.pruningSource !== undefined && f.pruning === undefined)
    fail('--pruning-source needs --pruning', 'e.g. --pruning adaptive:latency@0.7 --pruning-source model:cortex-m7');
  // Scored before anything is dispatched or written: a refused setting leaves --out untouched.
  const pruning =
    f.pruning === undefined
      ? null
      : await openPruning(space, f.pruning, f.pruningSource ?? blockSource(f.objective), f.strategy, seed);
  const restriction = restrictSpace(space, f, pruning);
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
  // What the search may evaluate: covered by the sources and within the constraints.
  const searchable = restriction.feasible === undefined ? covered : andMask(covered, restriction.feasible);
  const specs = objectiveSpecs(f, sourceSpecs);
  const ref = f.ref === undefined ? undefined : parseReference(f.ref, specs);
  const options = { population, sample };
  createOutputFolder('--out', f.out);
  sweepOpenSearchTemps(f.out);
  const historyPath = join(f.out, 'history.jsonl');
  const bar = progressBar('open-search', evals, { quiet: f.quiet || f.json });
  let result: AsyncSearchResult;
  let strategy: Strategy | undefined;
  try {
    result = await runAsyncSearch({
      space,
      createStrategy: () => {
        strategy = createPrunedStrategy(
          f.strategy,
          {
            radix: radices(space),
            objectives: specs.length,
            seed,
            ...options,
            ...(pruning ? { allowed: pruning.allowed } : {}),
          },
          pruning?.adaptive ? { rule: pruning.adaptive, removed: pruning.removed } : undefined,
        );
        return strategy;
      },
      objectives: specs,
      evals,
      concurrency,
      seed,
      dispatcher,
      historyPath,
      // allowMissing only when it changes the search, so earlier histories still resume.
      config: {
        strategy: f.strategy,
        ...options,
        budget,
        ...(covered ? { allowMissing: true } : {}),
        // only when given, so histories written before pruning existed still resume
        ...(pruning ? { pruning: pruning.spec, pruningSource: pruning.source } : {}),
        ...restriction.config,
        ...(earlyStop ? { earlyStop } : {}),
      },
      ...(earlyStop ? { earlyStop } : {}),
      ...(maxSeconds !== undefined ? { maxMs: maxSeconds * 1000 } : {}),
      study: f.study,
      budget,
      errorBudget: { window, maxFailShare },
      ...(stopHint ? { stopHint } : {}),
      ...(searchable ? { covered: searchable } : {}),
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
    ...(searchable ? { uncovered: result.uncovered } : {}),
    ...restriction.json,
    replayed: result.replayed,
    redispatched: result.redispatched,
    stopped: result.stopped,
    ...(earlyStop && result.earlyStop ? { earlyStop: { ...earlyStop, ...result.earlyStop } } : {}),
    wallSeconds: result.wallMs / 1000,
    ...(pruning
      ? {
          pruning: {
            setting: pruning.spec,
            source: pruning.source,
            size: pruning.size,
            allowed: space.decisions.map((dec, d) => pruning.allowed[d]!.map((c) => dec.choices[c])),
            ...(strategy && adaptiveScheduleOf(strategy) ? { restores: adaptiveScheduleOf(strategy)!.events } : {}),
          },
        }
      : {}),
    reference: conv.reference,
    checkpoints: conv.checkpoints,
    front: rows,
  };
  await exitOnInterrupt(
    () =>
      `interrupted while writing the outputs: all ${result.tells.length} evaluations are saved in ${historyPath} (rerun the same command to write them)`,
    async () => {
      writeFileAtomic(join(f.out, 'front.csv'), csv);
      writeFileAtomic(join(f.out, 'front.json'), toJson(rows));
      writeFileAtomic(join(f.out, 'trace.csv'), traceCsv);
      writeFileAtomic(join(f.out, 'search.json'), toJson(json));
    },
  );
  const last = conv.checkpoints[conv.checkpoints.length - 1];
  const text =
    `${f.strategy} on ${space.id}, study ${result.study}: ${result.tells.length}/${evals} evaluations` +
    ` (${result.failed} failed${result.earlyStop ? `, ${result.earlyStop.stopped} stopped early` : ''}${searchable ? `, ${result.uncovered} asks outside the ${restriction.feasible ? 'constraints or sources' : 'sources'} skipped` : ''}${result.replayed ? `, ${result.replayed} resumed from the history` : ''})` +
    ` in ${(result.wallMs / 1000).toFixed(1)} s; front ${last?.front ?? 0}, HV ${last ? last.hv.toFixed(4) : 0}\n` +
    (result.timeUp
      ? `stopped by --max-seconds: raise it (or drop it) and rerun the same command to go on\n`
      : result.stopped
        ? `stopped before the budget: rerun the same command to resume\n`
        : '') +
    `written to ${f.out}: history.jsonl, front.csv, front.json, trace.csv, search.json`;
  return { json: stableJson(json), text, space, historyPath, told: result.tells.length };
}

interface Restriction {
  /** 1 = within every --constraint (undefined without constraints). */
  feasible?: Uint8Array;
  /** What the history header holds (only what is given, so earlier histories still resume). */
  config: Record<string, unknown>;
  /** What search.json adds. */
  json: Record<string, unknown>;
}

/**
 * --constraint, as in `hwnas search`: a mask of the architectures the search may evaluate (the others are
 * told +Infinity at once and cost no evaluation). Checked against the space the search starts in
 * (after --pruning) before anything is written to --out.
 */
function restrictSpace(space: SearchSpace, f: OpenSearchOptions, pruning: OpenPruning | null): Restriction {
  const config: Record<string, unknown> = {};
  const json: Record<string, unknown> = {};
  const constraints = parseConstraints(f.constraint ?? []);
  const latencyBound = constraints.find((c) => c.metric === 'latency');
  if (latencyBound)
    fail(
      `open-search cannot apply '${latencyBound.text}': latency is an objective evaluated per architecture here`,
      'use params<=, macs<=, weights<=, peak<= or fits:<device> constraints (known before an evaluation)',
    );
  if (constraints.length === 0) return { config, json };
  const feasible = feasibleMask(space, constraints).mask;
  const texts = constraints.map((c) => c.text);
  config.constraints = texts;
  json.constraints = texts;
  const searched = new AllowedSpace(radices(space), pruning?.allowed);
  let inside = 0;
  for (const i of searched.indices()) inside += feasible[i]!;
  json.feasible = inside;
  if (inside === 0)
    fail(
      `none of the ${searched.size} architectures searched${pruning ? ` (pruned ${pruning.spec})` : ''} is within ${texts.join(' ')}`,
      'relax --constraint or prune less',
    );
  return { feasible, config, json };
}

/** The default --pruning-source: the first --objective with per-block values (a device model, a LUT, a fit). */
function blockSource(objectives: readonly string[] | undefined): string | undefined {
  return objectives?.find((o) => /^(model|lut|fit):/.test(o));
}

function andMask(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (a === undefined) return b;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! & b[i]!;
  return out;
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
