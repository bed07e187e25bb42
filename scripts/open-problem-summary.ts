/**
 * Summary of the open-problem study (scripts/open-problem-study.sh, docs/open-problems.md): for every
 * setting (a folder of OUT) and seed (OUT/<setting>/seed<k>/history.jsonl), hypervolume and front size
 * against evaluations and against wall-clock time, with mean and [min, max] over the seeds.
 *
 * HV uses one fixed reference for every run, so the numbers compare across settings: accuracy 10 %
 * (chance) and latency 110 ms (above every network that fits the board), divided by the area of that
 * box to the ideal (100 %, 0 ms); the front is over distinct architectures (first result of each), as
 * open-search's own trace. Writes OUT/summary.csv and OUT/hv-evals.svg, OUT/hv-time.svg.
 *
 *   npx tsx scripts/open-problem-summary.ts /tmp/study14
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConvergence } from '../src/distributed/convergence.js';
import { readHistory, type TellRecord } from '../src/distributed/history.js';
import { toSvg } from '../src/report/render.js';

const REF_ACCURACY = 10;
const REF_LATENCY = 110;
const AREA = (100 - REF_ACCURACY) * REF_LATENCY;
const SPECS = [
  { name: 'accuracy', direction: 'max' as const },
  { name: 'latency', direction: 'min' as const },
];
const ref = [-REF_ACCURACY, REF_LATENCY];

interface Run {
  setting: string;
  seed: number;
  tells: TellRecord[];
}

function loadRuns(out: string): Run[] {
  const runs: Run[] = [];
  for (const setting of readdirSync(out).sort()) {
    const dir = join(out, setting);
    if (!statSync(dir).isDirectory() || !readdirSync(dir).some((f) => f.startsWith('seed'))) continue;
    for (const s of readdirSync(dir).sort()) {
      const h = readHistory(join(dir, s, 'history.jsonl'));
      if (!h) continue;
      const tells = h.records.filter((r): r is TellRecord => r.type === 'tell');
      runs.push({ setting, seed: Number(s.replace('seed', '')), tells });
    }
  }
  return runs;
}

/** HV (fraction of the reference box) and front size after each of `counts` tells. */
function curve(tells: TellRecord[], counts: number[]): { hv: number; front: number; seconds: number }[] {
  const valid = counts.filter((k) => k >= 1 && k <= tells.length);
  const conv = openConvergence(tells, SPECS, { ref, checkpoints: valid });
  return counts.map((k) => {
    if (k < 1) return { hv: 0, front: 0, seconds: 0 };
    const c = conv.checkpoints.find((x) => x.evals === Math.min(k, tells.length));
    return c ? { hv: c.hv / AREA, front: c.front, seconds: c.seconds } : { hv: Number.NaN, front: 0, seconds: 0 };
  });
}

const stats = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length };
};
const fmt = (s: ReturnType<typeof stats>, d = 3) =>
  s.n === 0 ? '-' : `${s.mean.toFixed(d)} [${s.min.toFixed(d)}, ${s.max.toFixed(d)}]`;

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: npx tsx scripts/open-problem-summary.ts OUT_DIR');
  const runs = loadRuns(out);
  const settings = [...new Set(runs.map((r) => r.setting))];
  const evalPoints = [10, 20, 30, 50, 75, 100];
  const csv: string[] = ['setting,seed,axis,x,hv,front'];
  const lines: string[] = [];
  const plotEvals: Record<string, unknown>[] = [];
  const plotTime: Record<string, unknown>[] = [];

  lines.push(`runs: ${runs.map((r) => `${r.setting}/seed${r.seed} (${r.tells.length} tells)`).join(', ')}`);
  lines.push(
    '',
    `HV (fraction of the box accuracy 10-100 %, latency 0-110 ms) vs evaluations: mean [min, max] over seeds`,
  );
  lines.push(`| setting | seeds | ${evalPoints.map((k) => `${k} evals`).join(' | ')} |`);
  lines.push(`| --- | --- | ${evalPoints.map(() => '---').join(' | ')} |`);
  const frontRows: string[] = [];
  for (const setting of settings) {
    const rs = runs.filter((r) => r.setting === setting);
    const curves = rs.map((r) => curve(r.tells, evalPoints));
    rs.forEach((r, i) => {
      curves[i]!.forEach((c, j) => {
        csv.push(`${setting},${r.seed},evals,${evalPoints[j]},${c.hv},${c.front}`);
      });
    });
    const at = (k: number, j: number, key: 'hv' | 'front') =>
      stats(rs.map((r, i) => (r.tells.length >= k ? curves[i]![j]![key] : Number.NaN)));
    const hv = evalPoints.map((k, j) => at(k, j, 'hv'));
    const fr = evalPoints.map((k, j) => at(k, j, 'front'));
    lines.push(`| ${setting} | ${rs.length} | ${hv.map((s) => fmt(s)).join(' | ')} |`);
    frontRows.push(`| ${setting} | ${rs.length} | ${fr.map((s) => fmt(s, 1)).join(' | ')} |`);
    for (const r of rs) {
      const all = Array.from({ length: r.tells.length }, (_, i) => i + 1);
      curve(r.tells, all).forEach((c, i) => {
        plotEvals.push({ setting, seed: r.seed, evals: i + 1, hv: c.hv });
        plotTime.push({ setting, seed: r.seed, minutes: c.seconds / 60, hv: c.hv });
      });
    }
  }
  lines.push('', 'front size vs evaluations: mean [min, max] over seeds');
  lines.push(`| setting | seeds | ${evalPoints.map((k) => `${k} evals`).join(' | ')} |`);
  lines.push(`| --- | --- | ${evalPoints.map(() => '---').join(' | ')} |`);
  lines.push(...frontRows);

  // Against wall-clock: HV of what was told by each minute mark.
  const maxMin = Math.max(...runs.map((r) => (r.tells.at(-1)?.t ?? 0) / 60000));
  const marks = [1, 2, 5, 10, 15, 20, 30, 45, 60].filter((m) => m <= Math.ceil(maxMin));
  lines.push(
    '',
    'HV vs wall-clock minutes of the search: mean [min, max] over seeds (a run that ended earlier keeps its final HV)',
  );
  lines.push(
    `| setting | ${marks.map((m) => `${m} min`).join(' | ')} | wall min per run | wall s per evaluation told |`,
  );
  lines.push(`| --- | ${marks.map(() => '---').join(' | ')} | --- | --- |`);
  for (const setting of settings) {
    const rs = runs.filter((r) => r.setting === setting);
    const cells = marks.map((m) => {
      const vals = rs.map((r) => {
        const k = r.tells.filter((t) => t.t <= m * 60000).length;
        csv.push(
          `${setting},${r.seed},minutes,${m},${k ? curve(r.tells, [k])[0]!.hv : 0},${k ? curve(r.tells, [k])[0]!.front : 0}`,
        );
        return k ? curve(r.tells, [k])[0]!.hv : 0;
      });
      return fmt(stats(vals));
    });
    const wall = stats(rs.map((r) => (r.tells.at(-1)?.t ?? 0) / 60000));
    const per = stats(rs.map((r) => (r.tells.length ? r.tells.at(-1)!.t / 1000 / r.tells.length : Number.NaN)));
    lines.push(`| ${setting} | ${cells.join(' | ')} | ${fmt(wall, 1)} | ${fmt(per, 1)} |`);
  }
  // What each setting found: distinct architectures, repeats, best accuracy.
  lines.push('', 'per run: distinct architectures evaluated, skipped asks (infeasible), best accuracy, final front');
  for (const r of runs) {
    const ok = r.tells.filter((t) => t.ok && t.objectives);
    const distinct = new Set(ok.map((t) => t.arch)).size;
    const best = Math.max(...ok.map((t) => t.objectives!.accuracy!));
    const conv = openConvergence(r.tells, SPECS, { ref });
    const summary = join(out, r.setting, `seed${r.seed}`, 'search.json');
    const skipped = existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')).uncovered ?? 0) : '?';
    lines.push(
      `- ${r.setting}/seed${r.seed}: ${r.tells.length} tells, ${r.tells.length - ok.length} failed, ${distinct} distinct, ${skipped} infeasible asks skipped, best accuracy ${best.toFixed(1)} %, front ${conv.front
        .map((f) => `${f.objectives.accuracy!.toFixed(1)}%@${f.objectives.latency!.toFixed(1)}ms`)
        .join(' ')}`,
    );
  }
  writeFileSync(join(out, 'summary.csv'), `${csv.join('\n')}\n`);
  const plot = (values: Record<string, unknown>[], x: string, title: string) =>
    toSvg({
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      width: 480,
      height: 280,
      data: { values },
      layer: [
        {
          mark: { type: 'line', opacity: 0.25 },
          encoding: {
            x: { field: x, type: 'quantitative' },
            y: { field: 'hv', type: 'quantitative', title: 'HV (fraction of the box)' },
            color: { field: 'setting', type: 'nominal' },
            detail: { field: 'seed', type: 'nominal' },
          },
        },
      ],
    } as never);
  writeFileSync(join(out, 'hv-evals.svg'), await plot(plotEvals, 'evals', 'HV vs evaluations (one line per seed)'));
  writeFileSync(join(out, 'hv-time.svg'), await plot(plotTime, 'minutes', 'HV vs wall-clock minutes'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
