/**
 * Progress bars on a terminal (cli-progress), silent when stderr is not a TTY or with --quiet, so piped
 * output and logs stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function progressBar(label: string, total: number, opts: { quiet?: boolean; format?: string } = {}): Progress {
  if (opts.quiet || !process.stderr.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: opts.format ?? `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done, extra) {
      bar.update(done, extra);
    },
    stop() {
      bar.stop();
    },
  };
}
