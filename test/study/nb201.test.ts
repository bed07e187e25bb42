/**
 * Smoke test of the real default study (NB201 CIFAR-100 accuracy from the shared mirror, the three poster
 * device models, the poster's pruning settings), cut to 2 seeds x 300 evaluations. Needs HWNAS_MIRROR.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/hardware/sources.js';
import { writeReport } from '../../src/report/index.js';
import { strategyNames } from '../../src/search/index.js';
import { buildConfig } from '../../src/study/config.js';
import { runStudy, StudyStore } from '../../src/study/index.js';

const mirror = process.env.HWNAS_MIRROR;
if (!mirror) console.warn('study-nb201: skipped: set HWNAS_MIRROR=../shared/data/mirror to run the real default study');
const dir = mkdtempSync(join(tmpdir(), 'hwnas-study-nb201-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!mirror)('default study on NAS-Bench-201', () => {
  it('runs the poster settings and reports sizes, recall and monotone indicators', async () => {
    const config = buildConfig({ seeds: '2', evals: '300' }, strategyNames);
    const out = join(dir, 'study');
    const { execution } = await runStudy(config, { out, threads: 2, quiet: true });
    expect(execution).toMatchObject({ total: 36, ran: 36, interrupted: false });
    const report = await writeReport(out, { plots: false });
    const audit = report.summary.audit;
    expect(audit.map((a) => `${a.device} ${a.pruning}`)).toHaveLength(18);
    // NB201: 5 ops on each of 6 edges. Keeping ceil((1 - r) * 5) per edge: 3^6, 2^6, 1^6; the adaptive row
    // starts with 4 of 5 per edge (its blocks come back as the search goes).
    const sizes = Object.fromEntries(
      audit.filter((a) => a.device === 'model:cortex-m7').map((a) => [a.pruning, a.size]),
    );
    expect(sizes).toEqual({
      none: 15625,
      'params/latency@0.5': 729,
      'params/latency@0.7': 64,
      'params/latency@0.9': 1,
      'random@0.7': 64,
      'adaptive:latency@0.2:stall=5,step=all': 4 ** 6,
    });
    for (const a of audit) {
      if (a.pruning === 'none') expect(a.recall).toBe(1);
      // params/latency scores the parameter-free ops 0 and removes the low-latency end of the front.
      if (a.pruning.startsWith('params/latency')) expect(a.recall).toBeLessThan(1);
    }
    const store = StudyStore.open(out);
    const runs = store.loadRuns();
    store.close();
    for (const r of runs) {
      expect(r.checkpoints.map((c) => c.evals)).toEqual([10, 100, 250, 300]);
      for (let i = 1; i < r.checkpoints.length; i++) {
        // The found front only improves: HV never drops and IGD+ never rises (both Pareto-compliant).
        expect(r.checkpoints[i]!.hv).toBeGreaterThanOrEqual(r.checkpoints[i - 1]!.hv);
        expect(r.checkpoints[i]!.igdPlus).toBeLessThanOrEqual(r.checkpoints[i - 1]!.igdPlus);
      }
    }
    expect(readFileSync(join(out, 'tables', 'gd.md'), 'utf8')).toMatch(
      /model:adreno-640 \| params\/latency 90% \| 1 \| 0\.0% \|/,
    );
  }, 240_000);
});
