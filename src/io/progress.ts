/**
 * Progress bars on a terminal (cli-progress), silent when the stream is not a TTY or with --quiet, so
 * piped output and logs stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

/** Where a bar is drawn: stderr, or a stand-in terminal in tests. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressOptions {
  quiet?: boolean;
  /** cli-progress template; `{name}` tokens beyond the bar's own need a value in `initial`. */
  format?: string;
  /** First values of the format's own tokens, so the first frame shows no raw `{name}`. */
  initial?: Record<string, string | number>;
  stream?: ProgressStream;
}

const silent: Progress = { update() {}, stop() {} };

/** Tokens cli-progress fills itself. */
const OWN_TOKENS = new Set([
  'bar',
  'percentage',
  'total',
  'value',
  'eta',
  'eta_formatted',
  'duration',
  'duration_formatted',
]);

let quietProcess = false;

/**
 * Silence every progress bar of this process: for a command's --quiet when the bars come from modules it
 * calls without a quiet option (e.g. the BLOX hash index built during `hwnas data import blox`).
 */
export function silenceProgress(): void {
  quietProcess = true;
}

/** The format's tokens that neither cli-progress nor `initial` gives a value (a bar would print them raw). */
export function unfilledTokens(format: string, initial: Record<string, unknown> = {}): string[] {
  const names = [...format.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.filter((n) => !OWN_TOKENS.has(n) && !(n in initial));
}

export function progressBar(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const format = opts.format ?? `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`;
  // Checked whether or not a bar is drawn, so a format missing a first value fails in every test run.
  const unfilled = unfilledTokens(format, opts.initial);
  if (unfilled.length > 0) throw new Error(`progress bar '${label}': no initial value for {${unfilled.join('}, {')}}`);
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || quietProcess || !stream.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    { stream, format, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, opts.initial);
  return {
    update(done, extra) {
      bar.update(done, extra);
    },
    stop() {
      bar.stop();
    },
  };
}

/** A bar over named steps whose count is known only once work starts (e.g. a report's figures). */
export interface StepProgress {
  /** `done` of `total` steps are finished and `next` is under way. */
  onProgress(done: number, total: number, next: string): void;
  stop(): void;
}

/** A step bar, `label [bar] done/total | next`, drawn from its first onProgress on. */
export function stepProgress(label: string, opts: Omit<ProgressOptions, 'format' | 'initial'> = {}): StepProgress {
  let bar: Progress | undefined;
  return {
    onProgress(done, total, next) {
      bar ??= progressBar(label, total, {
        ...opts,
        format: `${label} [{bar}] {value}/{total} | {step}`,
        initial: { step: next },
      });
      bar.update(done, { step: next });
    },
    stop() {
      bar?.stop();
    },
  };
}
