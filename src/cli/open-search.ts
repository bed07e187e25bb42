/**
 * `hwnas open-search --space S --evaluator "python3 train.py" --objectives accuracy:max,latency:min
 *  [--queue redis://host:6379/0] --concurrency 8 --evals 500 --seed 0 --strategy re --out DIR`:
 * an asynchronous search of an open problem (each evaluation an expensive job), in process or through
 * BullMQ workers (`hwnas worker`). The history in DIR/history.jsonl makes a stopped search resumable:
 * rerun the same command. Writes the found front (CSV, JSON) and the convergence trace (HV, front size
 * over evaluations and wall time), plots and report.html. See docs/distributed.md.
 */
import type { Command } from 'commander';
import { type OpenSearchOptions, runOpenSearch } from '../distributed/open-search.js';
import { DEFAULT_REDIS_TIMEOUT_S } from '../distributed/redis-link.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { strategyFlag, strategyOptionFlag } from './strategy-flags.js';

interface OpenSearchFlags extends OpenSearchOptions {
  report?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The search, then (unless --no-report) its plots and report.html; what the command prints. */
export async function openSearch(
  f: OpenSearchFlags,
  signal: AbortSignal,
): Promise<{ json: Record<string, unknown>; text: string }> {
  const r = await runOpenSearch(f, signal);
  // The report module (vega, resvg) loads only when a report is written.
  const report =
    f.report !== false &&
    (await exitOnInterrupt(
      () =>
        `interrupted while writing the outputs: all ${r.told} evaluations are saved in ${r.historyPath} (rerun the same command to write them)`,
      () => import('../report/open-report.js').then((m) => m.writeOpenReport(f.out, { space: r.space })),
    ));
  return { json: r.json, text: `${r.text}${report ? ', plots/, report.html' : ''}\n` };
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
    .option(
      '--pruning <setting>',
      'prune the space first: <metric>@<ratio>, or adaptive:<metric>@<ratio>[:<rule>] to restore removed blocks as the search goes (docs/pruning.md)',
    )
    .option(
      '--pruning-source <source>',
      'latency source scoring the blocks with --pruning: model:<device>, lut:<file.csv>, fit:<file.csv> (or a complete table to fit) (default: the first model:, lut: or fit: --objective)',
    )
    .requiredOption('--out <dir>', 'folder for history.jsonl (resume), front.csv/json, trace.csv, search.json')
    .option('--study <id>', 'study id of a new search (default: generated; workers see it)')
    .option('--timeout <seconds>', 'kill an evaluator program after this long', '3600')
    .option('--no-onnx', 'do not export each network as ONNX for the evaluator program')
    .option('--no-torch', 'do not export each network as a PyTorch module for the evaluator program')
    .option('--budget <json>', 'passed to every evaluation as "budget", e.g. \'{"epochs": 12}\'')
    .option(
      '--early-stop <method>',
      'stop unpromising evaluations from their progress reports: asha[:eta=3,min=1,max=<budget>] (docs/distributed.md)',
    )
    .option(
      '--constraint <expr>',
      'hard constraint, repeatable: params<=N, macs<=N, weights<=BYTES[@int8], peak<=BYTES, fits:<device> (docs/constraints.md); infeasible asks cost no evaluation',
      collect,
    )
    .option(
      '--max-seconds <s>',
      'wall-clock budget (all sessions): then the evaluations running are dropped and the outputs written',
    )
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
