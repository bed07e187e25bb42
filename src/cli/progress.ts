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

let quietProcess = false;

/**
 * Silence every progress bar of this process: for a command's --quiet when the bars come from modules it
 * calls without a quiet option (e.g. the BLOX hash index built during `hwnas data import blox`).
 */
export function silenceProgress(): void {
  quietProcess = true;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean; format?: string } = {}): Progress {
  if (opts.quiet || quietProcess || !process.stderr.isTTY) return silent;
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
