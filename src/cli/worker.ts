/**
 * `hwnas worker --queue redis://host:6379/0 [--concurrency K] [--evaluator "cmd args"] [--objective SRC]`:
 * take evaluation jobs from the BullMQ queue that `hwnas open-search --queue` fills, for any study, until
 * SIGINT/SIGTERM (finishes the jobs it holds, then exits). See docs/distributed.md.
 */
import type { Command } from 'commander';
import { DEFAULT_REDIS_TIMEOUT_S } from '../distributed/redis-link.js';
import { runWorker, type WorkerOptions } from '../distributed/worker-run.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('take evaluation jobs from a BullMQ queue on Redis (filled by hwnas open-search --queue)')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://host:6379/0 (rediss:// for TLS)')
    .option('--queue-name <name>', 'BullMQ queue name shared with the coordinators', 'hwnas-eval')
    .option('--password <password>', 'Redis password (overrides the URL)')
    .option('--tls', 'connect to Redis over TLS')
    .option(
      '--redis-timeout <seconds>',
      'exit (code 2) when Redis stays unreachable this long',
      String(DEFAULT_REDIS_TIMEOUT_S),
    )
    .option('--concurrency <k>', 'jobs this worker runs at once', '1')
    .option('--evaluator <command>', 'program run per job, JSON on stdin/stdout (docs/distributed.md)')
    .option(
      '--objective <source>',
      'objective source evaluated here (repeatable): nb201:cifar100, model:<device>, ort, table:f.csv#col',
      collect,
    )
    .option('--space <space>', 'space file for jobs of a user-defined space (matched by its name)')
    .option('--timeout <seconds>', 'kill an evaluator program after this long', '3600')
    .option('--no-onnx', 'do not export each network as ONNX for the evaluator program')
    .option('--no-torch', 'do not export each network as a PyTorch module for the evaluator program')
    .option('--lock-ms <ms>', "job lock, renewed while the worker lives; a dead worker's jobs return after it", '30000')
    .option('--stalled-ms <ms>', 'how often to look for jobs of dead workers', '30000')
    .option('--quiet', 'no job log lines on stderr (lost and restored Redis connections are still shown)')
    .action(async (f: WorkerOptions) => {
      const ac = new AbortController();
      // The first signal lets held jobs finish; closing can wait forever when Redis is gone, so a second
      // one stops at once (the jobs' locks expire and other workers take them).
      const onSignal = (): void => {
        if (!ac.signal.aborted) {
          ac.abort();
          return;
        }
        process.stderr.write(
          `hwnas: worker stopped without waiting for its jobs (they return to the queue once their lock expires, --lock-ms ${f.lockMs})\n`,
        );
        process.exit(130);
      };
      // Left installed until the process ends: after the first signal the queue connections may close
      // while something (a reconnect timer) still holds the process, and a second Ctrl-C must still
      // print its line and exit 130 rather than kill the process silently.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      await runWorker(f, ac.signal);
    });
}
