/**
 * The report's memory work changes no number: a toy study's exports and tables are byte-identical to
 * those the report wrote before it (sha256 recorded from commit 132b311, whose report loaded every run's
 * architectures and built all figures at once). The runs load without their architecture lists
 * (`loadArchs` gives them), and the discovered-architectures scatter draws one point per distinct
 * architecture of each setting's first-seed run, counted here from the stored runs and in the SVG.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicFileStream } from '../../src/io/atomic-stream.js';
import { writeReport } from '../../src/report/index.js';
import { allPlots, plottedRuns } from '../../src/report/plots.js';
import { pruningLabel } from '../../src/study/config.js';
import { runStudy } from '../../src/study/index.js';
import { type StoredRun, StudyStore } from '../../src/study/store.js';
import { toyReportConfig } from '../helpers/study-toy.js';

const config = toyReportConfig();

/**
 * sha256 of the exports and tables of this study as written before the memory work (commit 132b311);
 * runs.csv, results.json, the audit and time to quality re-pinned on purpose in issue 13 (best IGD+,
 * time to quality by IGD+, the audit's notes).
 */
const BEFORE: Record<string, string> = {
  'results/checkpoints.csv': '41ea99dd108e2f3ce48ec7200647baabac10f84a48f57ddfad2116758223e590',
  'results/results.json': '2895439a4537f48107e7f54971d828b5ba0d91880401a5fffa7ccc446b72afa2',
  'results/runs.csv': 'd86d7e533074c3dea0677a88d6a8f589b6e4f0754ec68dcd66e0ee24ae3068da',
  'tables/gd-mean.csv': 'c1ddd0e7f3046b3d9ca7c2bb6c24171fc70fade8efa586d072bbb977f8e63330',
  'tables/gd-mean.md': '95ab2a0437299b527c89cf02485f1c6df0f4d52a8bc1320b00139db02f90ec28',
  'tables/gd.csv': 'dc95c306cdd1655747374743daea5b4e6175d281120d72c9689ddfafdb9157c4',
  'tables/gd.md': '8465c8be94e87f0da7403cf75f65f91be49c9a09fe0b4d89dbda32336e5c3dc9',
  'tables/hv.csv': '2bfdf288faa0cb932e754f53b3ce1442e776b5f782b656ac392d00deb2444bb0',
  'tables/hv.md': '52d86689a91e5926d4a70242365335448ce2ee86a1c79e33be1a933d1d8fdece',
  'tables/igd-plus.csv': '914a8fe069f21e7f70562cb6902f0607049ffbe8707ea2d5805e2fbd5bccaa59',
  'tables/igd-plus.md': '2d68e6817f474f8fcb3a67cab28867bd6acd7cf5699e0f73ccf04e7a9dd05b5b',
  'tables/pruning-audit.csv': 'aae36ec2fec094f050fdc2bef64a967a3c726aab023061794937a3228ca77014',
  'tables/pruning-audit.md': 'c81e64ba7c255c853cd742eb96a53cce6f50511457971a519f98167905b22afa',
  'tables/time-to-quality.csv': '9a3b363ab49f7c963de46341af74890da4ecc351048b565d613d5f5a4f2c2da2',
  'tables/time-to-quality.md': '619a3ea9d9073d8a5d71855935d05cb7d9644360bc37671afe3d8f8d7e785b58',
};

let dir: string;
let folder: string;
let runs: StoredRun[];
let archs: Map<string, Int32Array>;
let data: ReturnType<StudyStore['loadData']>;
/** report.html as the study wrote it (a later test rewrites it without plots). */
let html: string;
/** The report's progress calls, [done, total, next]. */
const steps: [number, number, string][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-report-exports-'));
  folder = join(dir, 'study');
  await runStudy(config, { out: folder, threads: 1, quiet: true });
  await writeReport(folder, { onProgress: (done, total, next) => steps.push([done, total, next]) });
  html = readFileSync(join(folder, 'report.html'), 'utf8');
  const store = StudyStore.open(folder);
  try {
    runs = store.loadRuns();
    data = store.loadData();
    archs = store.loadArchs(runs.map((r) => r.key));
  } finally {
    store.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('report exports and the discovered scatter', () => {
  it('writes exports and tables byte-identical to the report before the memory work', async () => {
    const exported = (sub: string) => readdirSync(join(folder, sub)).map((f) => `${sub}/${f}`);
    const written = [...exported('results'), ...exported('tables')].sort();
    expect(written).toEqual(Object.keys(BEFORE).sort());
    for (const f of written) expect(sha256(join(folder, f)), f).toBe(BEFORE[f]);
    // Without plots (no architecture lists loaded at all) the same bytes.
    await writeReport(folder, { plots: false });
    for (const f of written) expect(sha256(join(folder, f)), f).toBe(BEFORE[f]);
  });

  it('reports its progress: exports, tables, then each figure, counted up to the total', async () => {
    const figures = allPlots(config, runs, data, archs).map((p) => p.id);
    expect(figures).toHaveLength(3 * config.devices.length);
    const names = ['exports', 'tables', ...figures];
    const total = names.length;
    expect(steps).toEqual([...names.map((n, i) => [i, total, n]), [total, total, '']]);
    const noPlots: [number, number, string][] = [];
    await writeReport(folder, { plots: false, onProgress: (done, all, next) => noPlots.push([done, all, next]) });
    expect(noPlots).toEqual([
      [0, 2, 'exports'],
      [1, 2, 'tables'],
      [2, 2, ''],
    ]);
  });

  it('loads runs without their architectures; loadArchs gives each run its evaluated list', () => {
    expect(runs).toHaveLength(18);
    for (const r of runs) {
      expect(r).not.toHaveProperty('archs');
      expect(r.evals).toBe(config.evals);
      expect(archs.get(r.key)).toHaveLength(config.evals);
    }
    const store = StudyStore.open(folder);
    try {
      expect([...store.loadArchs(['nosuch', runs[0]!.key]).keys()]).toEqual([runs[0]!.key]);
    } finally {
      store.close();
    }
  });

  it('draws one point per distinct architecture of each setting, from the first seed only', () => {
    const plotted = plottedRuns(config, runs);
    expect(plotted).toHaveLength(config.devices.length * config.pruning.length);
    for (const r of plotted) expect(r.seed).toBe(0);
    const plots = allPlots(config, runs, data, archs);
    config.devices.forEach((device, i) => {
      const plot = plots.find((p) => p.id === `discovered-${device.replace(':', '-')}`)!;
      const values = (plot.spec as { data: { values: { setting: string; latency: number; accuracy: number }[] } }).data
        .values;
      let total = 0;
      for (const pruning of config.pruning) {
        const run = runs.find((r) => r.device === device && r.pruning === pruning && r.seed === 0)!;
        const evaluated = archs.get(run.key)!;
        // First occurrences in evaluation order: what the scatter draws for this setting.
        const distinct = [...new Set(evaluated)];
        expect(distinct.length).toBeLessThan(evaluated.length); // the search revisits architectures
        const drawn = values.filter((v) => v.setting === pruningLabel(pruning));
        expect(drawn).toEqual(
          distinct.map((a) => ({
            setting: pruningLabel(pruning),
            latency: data.devices[i]!.latency[a],
            accuracy: data.accuracy.values[a],
          })),
        );
        total += distinct.length;
      }
      expect(values).toHaveLength(total);
      // The rendered figure has exactly these points (vega marks each as a circle symbol).
      const svg = readFileSync(join(folder, 'plots', `${plot.id}.svg`), 'utf8');
      expect(svg.match(/role="graphics-symbol" aria-roledescription="circle"/g)).toHaveLength(total);
    });
  });

  it('streams every figure into report.html and leaves no temp file', () => {
    expect(html.endsWith('</body>\n</html>\n')).toBe(true);
    const svgs = readdirSync(join(folder, 'plots')).filter((f) => f.endsWith('.svg'));
    expect(svgs).toHaveLength(6);
    for (const f of svgs) expect(html.includes(readFileSync(join(folder, 'plots', f), 'utf8')), f).toBe(true);
    expect(readdirSync(folder).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a streamed file appears whole on commit; an abandoned one leaves the previous file', () => {
    const path = join(dir, 'page.html');
    writeFileSync(path, 'previous');
    const aborted = AtomicFileStream.open(path);
    aborted.write('<p>half');
    aborted.abort();
    expect(readFileSync(path, 'utf8')).toBe('previous');
    const page = AtomicFileStream.open(path);
    page.write('<p>é');
    page.write('</p>\n');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    page.commit();
    page.abort(); // after a commit: nothing to undo
    expect(readFileSync(path, 'utf8')).toBe('<p>é</p>\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
