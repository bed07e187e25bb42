/** hwnas open-search: refusals before anything is written, Ctrl-C, --json, sources covering part of the space. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSearch } from '../../src/cli/open-search.js';
import { runWorker } from '../../src/cli/worker.js';
import { asyncErrorOf } from '../helpers/errors.js';

describe('hwnas open-search and hwnas worker refuse before writing or waiting', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-qa2-'));
  });

  const flags = {
    space: 'nb201',
    objective: ['model:cortex-m7'],
    queueName: 'hwnas-eval',
    concurrency: '1',
    evals: '10',
    seed: '0',
    strategy: 'random',
    maxFail: '0.5',
    failWindow: '20',
    report: false,
    quiet: true,
  };
  const signal = new AbortController().signal;
  it('--objectives naming what no in-process source gives: refused, no history written', async () => {
    const out = file('os-missing');
    const e = await asyncErrorOf(() => openSearch({ ...flags, out, objectives: 'accuracy:max,latency:min' }, signal));
    expect(e.message).toBe("--objectives names 'accuracy', which no --objective source gives (they give: latency)");
    expect(existsSync(out)).toBe(false);
  });
  it('--out in a missing folder, or naming a file', async () => {
    const e = await asyncErrorOf(() => openSearch({ ...flags, out: file('no-parent/os') }, signal));
    expect(e.message).toBe(`--out ${file('no-parent/os')}: folder '${file('no-parent')}' does not exist`);
    writeFileSync(file('a-file'), 'x');
    expect((await asyncErrorOf(() => openSearch({ ...flags, out: file('a-file') }, signal))).message).toBe(
      `--out ${file('a-file')} is a file`,
    );
  });
  it('worker: an unknown source kind or device fails at start, not on every job', async () => {
    const w = { queue: 'redis://127.0.0.1:1/0', queueName: 'q', concurrency: '1', lockMs: '30000', stalledMs: '30000' };
    const bad = async (objective: string) =>
      (await asyncErrorOf(() => runWorker({ ...w, objective: [objective] }, signal))).message;
    expect(await bad('model:cortex-m9')).toBe("unknown device 'cortex-m9'");
    expect(await bad('mdl:cortex-m7')).toBe("unknown source 'mdl:cortex-m7'");
  });
});
