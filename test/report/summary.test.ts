import { describe, expect, it } from 'vitest';
import type { FrontLoss } from '../../src/prune/index.js';
import { summarize } from '../../src/report/summary.js';
import { auditTable, timeToQualityTable } from '../../src/report/tables.js';
import type { StoredRun, StudyConfig } from '../../src/study/index.js';

const config: StudyConfig = {
  space: 'nb201',
  accuracy: 'nb201:cifar100',
  devices: ['model:x'],
  pruning: ['none', 'random@0.7'],
  strategies: ['re'],
  seeds: [0, 1],
  evals: 3000,
  checkpoints: [10, 3000],
  frontsAt: [],
  population: 100,
  sample: 25,
};

const loss: FrontLoss = {
  frontSize: 4,
  kept: 0,
  used: [{ choice: 'skip', removedOn: 2, decisions: 2, uses: 3, architectures: 2 }],
  fastHalf: 2,
  fastLost: 2,
  accurateHalf: 2,
  accurateLost: 2,
};

function run(pruning: string, seed: number, gd: number[], igd: number[], allowed: number[][] | null): StoredRun {
  return {
    key: `${pruning}|${seed}`,
    index: 0,
    device: 'model:x',
    pruning,
    strategy: 're',
    seed,
    runSeed: seed,
    prune: {
      allowed,
      size: allowed ? 4 : 25,
      recall: allowed ? 0 : 1,
      bestGd: allowed ? 0.001 : 0,
      bestIgdPlus: allowed ? 0.3 : 0,
      r2: null,
      frontLoss: allowed ? loss : null,
    },
    evals: 3000,
    trace: Float64Array.from(gd),
    igdTrace: Float64Array.from(igd),
    checkpoints: [],
    fronts: [],
  };
}

describe('time to quality and the pruning audit', () => {
  // Unpruned: IGD+ 0.5 at 1, 0.1 at 1500 (and GD 0.01 at 1500). Pruned: one point near an end of the
  // true front: GD 0 after 1 evaluation, but IGD+ stuck at 0.3 (seed 0) or down to 0.1 at 2500 (seed 1).
  const runs = [
    run('none', 0, [1, 0.2, 1500, 0.01], [1, 0.5, 1500, 0.1], null),
    run('none', 1, [1, 0.2, 1500, 0.01], [1, 0.5, 1500, 0.1], null),
    run('random@0.7', 0, [1, 0], [1, 0.3], [[0, 1], [2]]),
    run('random@0.7', 1, [1, 0], [1, 0.6, 2500, 0.1], [[1, 2], [2]]),
  ];
  const s = summarize(config, runs);

  it('measures time to quality in IGD+, not GD (GD would say 1 evaluation)', () => {
    const [base, pruned] = s.timeToQuality;
    expect(base!.target).toBe(0.1);
    expect(base!.evals.mean).toBe(1500);
    expect(base!.reached).toBe(2);
    expect(pruned!.reached).toBe(1);
    expect(pruned!.evals.mean).toBe(2500);
    const t = timeToQualityTable(s);
    expect(t.header).toContain('Target IGD+');
    expect(t.csvHeader).toContain('target_igd_plus');
    expect(t.title).toContain("unpruned search's IGD+ at 2000 evaluations");
  });

  it('reports best IGD+ next to best GD and says what each means', () => {
    const t = auditTable(s);
    expect(t.header).toEqual(['Device', 'Pruning', 'Space', 'Front recall', 'Best IGD+', 'Best GD', 'Additivity R²']);
    expect(t.rows[1]).toEqual(['model:x', 'random 70%', '4', '0.0%', '0.3000', '0.0010', '-']);
    expect(t.notes.some((n) => n.startsWith('Best IGD+:') && n.includes('floor'))).toBe(true);
    expect(t.notes.some((n) => n.startsWith('Best GD:') && n.includes('Not a floor'))).toBe(true);
    expect(t.notes.some((n) => n.includes('(the floor any search in it can reach)') && n.includes('Best GD'))).toBe(
      false,
    );
  });

  it('says that an adaptive row describes its start space, not a floor, only when the study has one', () => {
    const note = (n: string) => n.startsWith('Adaptive rows describe the space the search starts in');
    expect(auditTable(s).notes.some(note)).toBe(false);
    const adaptive = 'adaptive:latency@0.2:stall=5,step=all';
    const withAdaptive = summarize({ ...config, pruning: ['none', adaptive] }, [
      runs[0]!,
      runs[1]!,
      { ...runs[2]!, key: `${adaptive}|0`, pruning: adaptive },
    ]);
    expect(auditTable(withAdaptive).notes.filter(note)).toHaveLength(1);
  });

  it('explains a lost front with the removed blocks it uses, per setting below 50 % recall', () => {
    expect(s.auditNotes).toEqual([
      "model:x, random 70% (the first seed's space): keeps 0 of 4 true-front architectures; it removed skip on every decision (used by 2 front architectures); the front's fastest and most accurate architectures are lost alike.",
    ]);
    expect(auditTable(s).notes.at(-1)).toBe(s.auditNotes[0]);
  });

  it('has no loss note when the recall is at least 50 %', () => {
    const kept = runs.map((r) => ({ ...r, prune: { ...r.prune, recall: r.prune.allowed ? 0.5 : 1 } }));
    expect(summarize(config, kept).auditNotes).toEqual([]);
  });
});
