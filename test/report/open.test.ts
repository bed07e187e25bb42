/**
 * The report of an open-problem search: `hwnas open-search` (in process, concurrency 2) on a small closed
 * table written here, answered by an evaluator command (NB201 indices, every 11th architecture missing so
 * its evaluations fail) writes
 * plots/ and report.html; `hwnas report` rebuilds them. The HTML's numbers are checked against front.csv,
 * trace.csv and a hypervolume computed by hand; the page is opened in headless Chromium.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory, type TellRecord } from '../../src/distributed/history.js';
import { curveGrid, reasonPattern } from '../../src/report/open.js';
import { axesOf, objectivePairs } from '../../src/report/open-plots.js';
import { num } from '../../src/report/tables.js';
import { getSpace } from '../../src/space/all.js';
import { CHROMIUM, haveChromium, launchChromium, openReport } from '../helpers/browser.js';
import { repoRoot, runCli } from '../helpers/cli.js';

if (!haveChromium)
  console.warn(`report-open: skipping the browser check: ${CHROMIUM} is not installed (apt-get install chromium)`);

const N = 15_625; // NB201 cells
const missing = (i: number) => i % 11 === 5;

/** A closed table over the NB201 indices: accuracy-like top1 (max), latency_ms and energy_mj (min). */
function writeTable(path: string): void {
  const rows = ['index,top1,latency_ms,energy_mj'];
  for (let i = 0; i < N; i++) {
    if (missing(i)) continue;
    let r = i;
    let acc = 60;
    let lat = 1;
    let energy = 0.5;
    for (let d = 0; d < 6; d++) {
      const c = r % 5;
      r = Math.floor(r / 5);
      acc += ((c * 7 + d * 3) % 5) * 1.3;
      lat += [0.1, 0.1, 0.9, 2.1, 0.4][c]! * (1 + d * 0.1);
      energy += ((c * 3 + d) % 4) * 0.2;
    }
    acc += ((i * 7919) % 1000) / 500;
    rows.push(`${i},${acc.toFixed(3)},${lat.toFixed(4)},${energy.toFixed(3)}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

let dir: string;
let table: string;
let two: string;
let three: string;
let evaluator: string;
/** An evaluator command answering from the table; an architecture the table lacks is an error reply. */
const EVALUATOR = `import { readFileSync } from 'node:fs';
const [file, ...names] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').trim().split('\\n');
const header = lines[0].split(',');
const rows = new Map(lines.slice(1).map((l) => { const v = l.split(','); return [Number(v[0]), v]; }));
let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const v = rows.get(req.index);
  const objectives = v && Object.fromEntries(names.map((n) => [n, Number(v[header.indexOf(n)])]));
  console.log(JSON.stringify(v ? { objectives } : { error: 'no measurement for architecture ' + req.index }));
});
`;
const openSearch = (out: string, objectives: string[], extra: string[] = []) =>
  runCli([
    'open-search',
    '--space',
    'nb201',
    '--evaluator',
    `node ${evaluator} ${table} ${objectives.join(' ')}`,
    '--no-onnx',
    '--objectives',
    objectives.map((c) => `${c}:${c === 'top1' ? 'max' : 'min'}`).join(','),
    '--concurrency',
    '2',
    '--population',
    '10',
    '--sample',
    '3',
    '--seed',
    '3',
    '--out',
    out,
    '--quiet',
    ...extra,
  ]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-report-open-'));
  table = join(dir, 'table.csv');
  writeTable(table);
  evaluator = join(dir, 'evaluator.mjs');
  writeFileSync(evaluator, EVALUATOR);
  two = join(dir, 'two');
  three = join(dir, 'three');
  for (const [out, cols, evals] of [
    [two, ['top1', 'latency_ms'], '60'],
    [three, ['top1', 'latency_ms', 'energy_mj'], '40'],
  ] as const) {
    const r = openSearch(out, [...cols], ['--evals', evals]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plots\/, report\.html/);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Body rows of the HTML table in `<section id="table-<id>">`, cells unescaped. */
function htmlRows(html: string, id: string): string[][] {
  const start = html.indexOf(`<section class="table" id="table-${id}">`);
  expect(start, id).toBeGreaterThanOrEqual(0);
  const section = html.slice(start, html.indexOf('</section>', start));
  const body = section.slice(section.indexOf('<tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => unescapeHtml(c[1]!)),
  );
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
}

function tellsOf(folder: string): TellRecord[] {
  return readHistory(join(folder, 'history.jsonl'))!.records.filter((r) => r.type === 'tell') as TellRecord[];
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const TWO_PLOTS = ['hv-evals', 'hv-time', 'front-size', 'front', 'evaluated'];
const THREE_PLOTS = [
  'hv-evals',
  'hv-time',
  'front-size',
  'pair-top1-latency-ms',
  'pair-top1-energy-mj',
  'pair-latency-ms-energy-mj',
];

describe('open-search report: helpers', () => {
  it('groups failure reasons by the text without the architecture', () => {
    expect(reasonPattern("'table:a.csv#x' has no value for architecture 17", 17)).toBe(
      "'table:a.csv#x' has no value for architecture <arch>",
    );
    // A number that is not the architecture stays, even when equal to its index.
    expect(reasonPattern('exit code 1: boom', 1)).toBe('exit code 1: boom');
    expect(reasonPattern('arch 170 failed', 17)).toBe('arch 170 failed');
    expect(reasonPattern('cannot read /tmp/x/arch-6634.onnx', 6634)).toBe('cannot read /tmp/x/arch-<arch>.onnx');
    expect(reasonPattern('bad cell |none~0|+|x~1|', 5, '|none~0|+|x~1|')).toBe('bad cell <arch>');
  });

  it('plot grid: every evaluation up to 400, else 400 evenly spaced plus the checkpoints', () => {
    expect(curveGrid(5, [1, 2, 5])).toEqual([1, 2, 3, 4, 5]);
    const g = curveGrid(1000, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(g.slice(0, 6)).toEqual([1, 2, 3, 5, 8, 10]);
    expect(g[g.length - 1]).toBe(1000);
    expect(new Set(g).size).toBe(g.length);
    expect(g.length).toBe(400 + 2); // round(2.5 k) misses the checkpoints 1 and 2 only
  });

  it('axes: minimised objective on x when the directions differ; pairs for 3+ objectives', () => {
    const acc = { name: 'acc', direction: 'max' } as const;
    const lat = { name: 'lat', direction: 'min' } as const;
    expect(axesOf([acc, lat]).map((s) => s.name)).toEqual(['lat', 'acc']);
    expect(axesOf([lat, acc]).map((s) => s.name)).toEqual(['lat', 'acc']);
    expect(axesOf([lat, { name: 'e', direction: 'min' }]).map((s) => s.name)).toEqual(['lat', 'e']);
    expect(objectivePairs(3)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(objectivePairs(4)).toHaveLength(6);
    expect(objectivePairs(5)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
  });
});

describe('hwnas open-search writes the report', () => {
  it('plots (SVG and PNG) and one self-contained HTML file', () => {
    for (const [folder, stems] of [
      [two, TWO_PLOTS],
      [three, THREE_PLOTS],
    ] as const) {
      for (const stem of stems) {
        const svg = readFileSync(join(folder, 'plots', `${stem}.svg`), 'utf8');
        expect(svg.startsWith('<svg'), stem).toBe(true);
        expect(svg).toMatch(/<text/);
        expect([...readFileSync(join(folder, 'plots', `${stem}.png`)).subarray(0, 8)]).toEqual(PNG);
      }
      const html = readFileSync(join(folder, 'report.html'), 'utf8');
      expect(html).not.toMatch(/<script|<link|src="http|href="http/);
      expect([...html.matchAll(/<figure class="plot" id="plot-([\w-]+)"/g)].map((m) => m[1])).toEqual([...stems]);
    }
    expect(readFileSync(join(three, 'report.html'), 'utf8')).toMatch(/3 objectives: the front is drawn as projections/);
  });

  it('numbers in the HTML match front.csv and trace.csv', () => {
    const html = readFileSync(join(two, 'report.html'), 'utf8');
    const trace = readCsv(join(two, 'trace.csv'));
    expect(htmlRows(html, 'open-trace')).toEqual(
      trace.map((t) => [t.evals, t.seconds, t.ok, t.front, num(Number(t.hv))]),
    );

    const space = getSpace('nb201');
    const front = readCsv(join(two, 'front.csv'));
    expect(front.length).toBeGreaterThan(1);
    expect(htmlRows(html, 'open-front')).toEqual(
      front.map((f) => [
        f.index,
        f.arch,
        space.notations(Number(f.index)).codes,
        f.evaluation,
        num(Number(f.top1)),
        num(Number(f.latency_ms)),
      ]),
    );

    const summary = new Map(htmlRows(html, 'open-summary').map(([k, v]) => [k!, v!]));
    const last = trace[trace.length - 1]!;
    expect(summary.get('Evaluations told')).toBe('60 of 60');
    expect(summary.get('Final front size')).toBe(last.front);
    expect(summary.get('Final hypervolume')).toBe(num(Number(last.hv)));
  });

  it('final hypervolume equals one computed by hand from the history', () => {
    // Minimised (-top1, latency), normalised by ideal/nadir of every successful evaluation, reference 1.1.
    const tells = tellsOf(two).filter((t) => t.ok);
    const pts = tells.map((t) => [-t.objectives!.top1!, t.objectives!.latency_ms!] as const);
    const lo = [0, 1].map((k) => Math.min(...pts.map((p) => p[k]!)));
    const hi = [0, 1].map((k) => Math.max(...pts.map((p) => p[k]!)));
    const norm = (p: readonly number[]) => [0, 1].map((k) => (p[k]! - lo[k]!) / (hi[k]! - lo[k]!));
    const front = readCsv(join(two, 'front.csv'))
      .map((f) => norm([-Number(f.top1), Number(f.latency_ms)]))
      .sort((a, b) => a[0]! - b[0]!);
    let hv = 0;
    front.forEach((p, i) => {
      const nextX = i + 1 < front.length ? front[i + 1]![0]! : 1.1;
      hv += (nextX - p[0]!) * (1.1 - p[1]!);
    });
    const trace = readCsv(join(two, 'trace.csv'));
    expect(Number(trace[trace.length - 1]!.hv)).toBeCloseTo(hv, 12);
    const html = readFileSync(join(two, 'report.html'), 'utf8');
    expect(new Map(htmlRows(html, 'open-summary').map(([k, v]) => [k, v])).get('Final hypervolume')).toBe(num(hv));
  });

  it('counts and lists the failed evaluations, reasons grouped', () => {
    const tells = tellsOf(two);
    const failed = tells.filter((t) => !t.ok);
    expect(failed.length).toBeGreaterThan(0);
    // Exactly the architectures the table lacks fail.
    expect(failed.every((t) => missing(t.arch))).toBe(true);
    expect(tells.filter((t) => t.ok).every((t) => !missing(t.arch))).toBe(true);
    const html = readFileSync(join(two, 'report.html'), 'utf8');
    const summary = new Map(htmlRows(html, 'open-summary').map(([k, v]) => [k, v]));
    expect(summary.get('Failed evaluations')).toBe(`${failed.length} (${((100 * failed.length) / 60).toFixed(1)}%)`);
    expect(summary.get('Successful evaluations')).toBe(String(60 - failed.length));
    expect(htmlRows(html, 'open-failure-reasons')).toEqual([
      ['evaluator error: no measurement for architecture <arch>', String(failed.length), String(failed[0]!.n)],
    ]);
    const space = getSpace('nb201');
    expect(htmlRows(html, 'open-failures')).toEqual(
      failed.map((t) => [String(t.n), space.format(t.arch), String(t.arch), t.reason!, 'in process']),
    );
  });
});

describe('hwnas report <open-search folder>', () => {
  it('rebuilds the same report, prints the summary', () => {
    const before = readFileSync(join(two, 'report.html'), 'utf8');
    const svg = readFileSync(join(two, 'plots', 'front.svg'), 'utf8');
    const r = runCli(['report', two, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const failed = tellsOf(two).filter((t) => !t.ok).length;
    expect(j.summary).toMatchObject({ told: 60, evals: 60, failed, ok: 60 - failed });
    expect(j.report).toBe(join(two, 'report.html'));
    expect(j.files).toHaveLength(2 * TWO_PLOTS.length + 1);
    expect(readFileSync(join(two, 'report.html'), 'utf8')).toBe(before);
    expect(readFileSync(join(two, 'plots', 'front.svg'), 'utf8')).toBe(svg);
  }, 60_000);

  it('--no-report leaves it out; hwnas report writes it later', () => {
    const out = join(dir, 'later');
    const r = openSearch(out, ['top1', 'latency_ms'], ['--evals', '12', '--no-report']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/report\.html/);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(existsSync(join(out, 'plots'))).toBe(false);
    const rep = runCli(['report', out, '--no-plots']);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/^Summary\n/);
    expect(rep.stdout).toMatch(/Evaluations told +12 of 12/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Plots were not rendered/);
    expect(existsSync(join(out, 'plots'))).toBe(false);
  }, 60_000);

  it('user-defined JSON space: notations from open-search itself or from --space FILE, else index only', () => {
    const spaceFile = join(repoRoot, 'examples/mcu-dscnn.json');
    const space = getSpace(spaceFile);
    const csv = join(dir, 'mcu.csv');
    const lines = ['index,top1,latency_ms'];
    for (let i = 0; i < space.size; i++) lines.push(`${i},${50 + ((i * 37) % 100) / 4},${1 + ((i * 53) % 97) / 10}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const out = join(dir, 'mcu');
    const r = runCli([
      'open-search',
      '--space',
      spaceFile,
      '--objective',
      `table:${csv}#top1`,
      '--objective',
      `table:${csv}#latency_ms`,
      '--evals',
      '20',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    const front = readCsv(join(out, 'front.csv'));
    const withNotations = front.map((f) => {
      const n = space.notations(Number(f.index));
      return [...Object.keys(n).map((k) => String(n[k])), f.evaluation, num(Number(f.top1)), num(Number(f.latency_ms))];
    });
    const html = () => readFileSync(join(out, 'report.html'), 'utf8');
    expect(htmlRows(html(), 'open-front')).toEqual(withNotations);
    // search.json names the space 'mcu-dscnn', not its file: without --space only the index is known.
    expect(runCli(['report', out, '--no-plots', '--quiet']).code).toBe(0);
    expect(htmlRows(html(), 'open-front')).toEqual(
      front.map((f) => [f.index, f.evaluation, num(Number(f.top1)), num(Number(f.latency_ms))]),
    );
    expect(html()).toMatch(/Space 'mcu-dscnn' is not known here, so architectures are shown by index only/);
    expect(runCli(['report', out, '--no-plots', '--quiet', '--space', spaceFile]).code).toBe(0);
    expect(htmlRows(html(), 'open-front')).toEqual(withNotations);
    const wrong = runCli(['report', out, '--space', 'nb201']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^hwnas: space 'nb201' is not the space of this search \('mcu-dscnn'\)/);
  }, 90_000);

  it('a history without search.json (a search that never finished a session) is one line, exit 2', () => {
    const out = join(dir, 'unfinished');
    mkdirSync(out);
    copyFileSync(join(two, 'history.jsonl'), join(out, 'history.jsonl'));
    const r = runCli(['report', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hwnas: '.*unfinished' holds an open search that never finished a session/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  }, 30_000);
});

describe.skipIf(!haveChromium)('open-search report in headless Chromium', () => {
  it('renders without console errors, with every plot; screenshot saved', async () => {
    const browser = await launchChromium();
    try {
      for (const [folder, stems] of [
        [two, TWO_PLOTS],
        [three, THREE_PLOTS],
      ] as const) {
        const { page, errors, plots } = await openReport(browser, join(folder, 'report.html'));
        expect(plots.map((p) => p.id)).toEqual([...stems]);
        for (const p of plots) {
          expect(p.w, p.id!).toBeGreaterThan(300);
          expect(p.h, p.id!).toBeGreaterThan(200);
          expect(p.marks, p.id!).toBeGreaterThan(3);
        }
        const frontRows = await page.$$eval('#table-open-front tbody tr', (rows) => rows.length);
        expect(frontRows).toBe(readCsv(join(folder, 'front.csv')).length);
        const shot = join(dir, `${folder === two ? 'two' : 'three'}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(10_000);
        expect(errors).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
