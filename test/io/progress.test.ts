/**
 * Progress bars: every frame drawn on a terminal has its tokens filled (the first frame of `reproduce`
 * once showed a raw `{rate} evals/s`), nothing is drawn when the stream is not a terminal or with
 * --quiet, and a report's steps are counted up to their total.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type ProgressStream, progressBar, stepProgress, unfilledTokens } from '../../src/io/progress.js';

/** A stand-in terminal that keeps what was drawn on it. */
function fakeTerminal(isTTY = true): { stream: ProgressStream; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  let out = '';
  stream.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  // Escape sequences (cursor moves, line clears) stripped: what a user reads.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  return { stream, text: () => out.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '') };
}

const RUNS_FORMAT = 'runs [{bar}] {value}/{total} | {rate} evals/s | ETA {eta_formatted}';

describe('progress bars', () => {
  it('draws the first frame with every token filled', () => {
    const t = fakeTerminal();
    const drawn = progressBar('runs', 150, { format: RUNS_FORMAT, initial: { rate: 0 }, stream: t.stream });
    const first = t.text();
    drawn.update(75, { rate: 1234 });
    drawn.stop();
    expect(first).toContain('runs [');
    expect(first).toContain('0/150 | 0 evals/s');
    expect(first).not.toMatch(/[{}]/);
    expect(t.text()).not.toMatch(/[{}]/);
  });

  it('refuses a format whose own tokens have no first value', () => {
    expect(unfilledTokens(RUNS_FORMAT)).toEqual(['rate']);
    expect(unfilledTokens(RUNS_FORMAT, { rate: 0 })).toEqual([]);
    expect(unfilledTokens('fetching [{bar}] {value}/{total} files | {mb} MB', {})).toEqual(['mb']);
    expect(() => progressBar('runs', 10, { format: RUNS_FORMAT, stream: fakeTerminal().stream })).toThrow(
      /no initial value for \{rate\}/,
    );
    // Refused even where nothing would be drawn, so the mistake shows in every test run.
    expect(() => progressBar('runs', 10, { format: RUNS_FORMAT, quiet: true })).toThrow(/\{rate\}/);
  });

  it('draws nothing when the stream is not a terminal, or with quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const t = fakeTerminal(isTTY);
      const bar = progressBar('runs', 10, { format: RUNS_FORMAT, initial: { rate: 0 }, stream: t.stream, quiet });
      bar.update(5, { rate: 3 });
      bar.stop();
      const steps = stepProgress('report', { stream: t.stream, quiet });
      steps.onProgress(0, 3, 'exports');
      steps.stop();
      expect(t.text()).toBe('');
    }
  });

  it('shows each step of a step bar, starting with the first', () => {
    const t = fakeTerminal();
    const steps = stepProgress('report', { stream: t.stream });
    steps.onProgress(0, 3, 'exports');
    const first = t.text();
    steps.onProgress(1, 3, 'tables');
    steps.stop();
    expect(first).toContain('report [');
    expect(first).toContain('0/3 | exports');
    expect(t.text()).not.toMatch(/[{}]/);
  });
});
