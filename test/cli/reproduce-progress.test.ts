/**
 * `hwnas reproduce` on a real terminal (a pseudo-terminal from util-linux `script`): the runs bar's first
 * frame has its rate filled in (it once showed a raw `{rate} evals/s`), and the report phase, most of a
 * default run, shows its own bar. Piped or with --quiet, no bar is drawn.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const SCRIPT = '/usr/bin/script';
const haveScript = existsSync(SCRIPT);
if (!haveScript) console.warn(`reproduce-progress: skipped: ${SCRIPT} (util-linux) is not installed`);

const dir = mkdtempSync(join(tmpdir(), 'hwnas-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = [process.execPath, '--import', 'tsx', '--import', './test/helpers/study-toy.ts', 'src/cli/run.ts'];
const study = (out: string) =>
  [
    'reproduce',
    ...['--accuracy', 'toy:acc', '--devices', 'toy:lat-a', '--pruning', 'none,random@0.5'],
    ...['--seeds', '1', '--evals', '200', '--population', '20', '--sample', '5', '--threads', '1'],
    ...['--out', join(dir, out)],
  ].join(' ');

/** Run the command on a pseudo-terminal; what was drawn on it, escape sequences stripped. */
function onTerminal(args: string): { code: number; screen: string } {
  const r = spawnSync(SCRIPT, ['-qec', `${node.join(' ')} ${args}`, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  return { code: r.status ?? -1, screen: r.stdout.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '') };
}

describe.skipIf(!haveScript)('reproduce progress on a terminal', () => {
  it('fills the first frame of the runs bar and shows the report phase', () => {
    const { code, screen } = onTerminal(study('tty'));
    expect(code).toBe(0);
    expect(screen).toMatch(/runs \[[^\]]*\] 0\/2 \| 0 evals\/s/);
    expect(screen).toMatch(/report \[[^\]]*\] 0\/\d+ \| exports/);
    // Frames in between may be throttled away; the last one, drawn on stop, is complete.
    expect(screen).toMatch(/report \[[^\]]*\] 5\/5 \| /); // exports, tables and three figures
    expect(screen).not.toMatch(/\{\w+\}/);
  });

  it('draws no bar with --quiet, nor when stderr is piped', () => {
    const quiet = onTerminal(`${study('quiet')} --quiet`);
    expect(quiet.code).toBe(0);
    expect(quiet.screen).not.toMatch(/runs \[|report \[/);
    const [exe, ...args] = node;
    const piped = spawnSync(exe!, [...args, ...study('piped').split(' ')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toContain('Generational distance');
  });
});
