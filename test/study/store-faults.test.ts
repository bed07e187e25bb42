/**
 * A study folder under faults, with real processes and real SQLite on the toy benchmark: a damaged
 * study.sqlite (garbage, empty, truncated, bad pages) is named as damaged and kept aside by --force; a
 * full disk (a real small tmpfs) stops the study with one line, keeps the finished runs, and a rerun after
 * freeing space resumes to the same exports; a report killed mid-write leaves no temp file after a rerun;
 * a refused rerun leaves no SQLite side files.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryWriter, readHistory } from '../../src/distributed/history.js';
import { isHwnasError } from '../../src/errors.js';
import { sweepStaleTemps } from '../../src/io/stale-temps.js';
import { repoRoot } from '../helpers/cli.js';
import { fillTo, listTree, mountSmallFs, type SmallFs } from '../helpers/small-fs.js';

const toy = join(repoRoot, 'test/helpers/study-toy.ts');
const cli = join(repoRoot, 'src/cli/run.ts');
const nodeArgs = ['--import', 'tsx', '--import', toy, cli];
const study = [
  'reproduce',
  '--accuracy',
  'toy:acc',
  '--devices',
  'toy:lat-a,toy:lat-b',
  '--pruning',
  'none,random@0.5',
  '--seeds',
  '2',
  '--evals',
  '300',
  '--population',
  '20',
  '--sample',
  '5',
  '--threads',
  '1',
  '--quiet',
];
const TOTAL = 8;
const exported = ['results/runs.csv', 'results/checkpoints.csv', 'results/results.json', 'tables/gd.csv'];

function hwnas(args: string[]) {
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const temps = (folder: string) => listTree(folder).filter((p) => /\.tmp-\d+/.test(p));
const sideFiles = (folder: string) => readdirSync(folder).filter((f) => /^study\.sqlite-(wal|shm|journal)$/.test(f));

let dir: string;
/** An undisturbed study: the reference exports, and the store the damaged copies start from. */
let good: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-store-faults-'));
  good = join(dir, 'good');
  const r = hwnas([...study, '--out', good]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the good study whose store `damage` rewrites. */
function damagedCopy(name: string, damage: (bytes: Buffer) => Buffer): { folder: string; bytes: Buffer } {
  const folder = join(dir, name);
  cpSync(good, folder, { recursive: true });
  const bytes = damage(readFileSync(join(good, 'study.sqlite')));
  writeFileSync(join(folder, 'study.sqlite'), bytes);
  return { folder, bytes };
}

describe('a damaged study.sqlite', () => {
  // Deterministic "random" bytes: the same damage on every run of the test.
  const noise = (n: number, seed: number) =>
    Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 71) % 251));
  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['garbage bytes', () => noise(8192, 1), /^file is not a database$/],
    ['an empty file', () => Buffer.alloc(0), /^the file is empty$/],
    ['a truncated file', (b) => b.subarray(0, Math.floor(b.length / 2)), /malformed|page/i],
    [
      'a valid header but damaged pages',
      (b) => {
        const c = Buffer.from(b);
        // Pages 2-30: the tables' roots and interior pages, with the 100-byte file header left intact.
        noise(4096 * 29, 2).copy(c, 4096);
        return c;
      },
      /./,
    ],
  ];
  for (const [what, damage, reason] of cases) {
    it(`${what}: reproduce and report refuse with exit 2 naming it damaged, and touch nothing`, () => {
      const { folder, bytes } = damagedCopy(what.replaceAll(' ', '-'), damage);
      const store = join(folder, 'study.sqlite');
      for (const args of [
        [...study, '--out', folder],
        ['report', folder],
      ]) {
        const r = hwnas(args);
        expect(r.code).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        const m = /^hwnas: (.+) is damaged \((.+)\) \((.+)\)$/.exec(lines[0]!);
        expect(m, lines[0]).not.toBeNull();
        expect(m![1]).toBe(store);
        expect(m![2]).toMatch(reason);
        expect(m![3]).toMatch(/--force/);
        expect(lines[0]).not.toMatch(/internal error|different study/);
        expect(readFileSync(store).equals(bytes)).toBe(true);
        expect(sideFiles(folder)).toEqual([]);
      }
    }, 60_000);
  }

  it('--force keeps it aside as study.sqlite.damaged-<n> (n the first free one, with its -wal) and starts again', () => {
    const { folder, bytes } = damagedCopy('force', () => noise(8192, 3));
    writeFileSync(join(folder, 'study.sqlite-wal'), 'wal bytes of the damaged store');
    writeFileSync(join(folder, 'study.sqlite.damaged-1'), 'an earlier one');
    const r = hwnas([...study, '--out', folder, '--force']);
    expect(r.stderr).toBe(
      `hwnas: ${join(folder, 'study.sqlite')} was damaged: kept aside as ${join(folder, 'study.sqlite.damaged-2')}, the study starts again\n`,
    );
    expect(r.code).toBe(0);
    expect(readFileSync(join(folder, 'study.sqlite.damaged-1'), 'utf8')).toBe('an earlier one');
    expect(readFileSync(join(folder, 'study.sqlite.damaged-2')).equals(bytes)).toBe(true);
    expect(readFileSync(join(folder, 'study.sqlite.damaged-2-wal'), 'utf8')).toBe('wal bytes of the damaged store');
    for (const f of exported)
      expect(readFileSync(join(folder, f), 'utf8'), f).toBe(readFileSync(join(good, f), 'utf8'));
  }, 120_000);
});

describe('side files and stale temp files', () => {
  it('a refused rerun (another config) leaves no study.sqlite-wal/-shm behind', () => {
    const folder = join(dir, 'refused');
    cpSync(good, folder, { recursive: true });
    const before = listTree(folder);
    const r = hwnas([...study.map((a) => (a === '300' ? '200' : a)), '--out', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a different study \(its config differs in evals/);
    expect(listTree(folder)).toEqual(before);
  }, 60_000);

  it('SIGKILL while the report is written, then a rerun: no *.tmp-* file is left', async () => {
    const folder = join(dir, 'killed');
    cpSync(good, folder, { recursive: true });
    let caught: string[] = [];
    // The report writes temp files most of its time; a try that ends before one is seen is repeated.
    for (let attempt = 0; attempt < 5 && caught.length === 0; attempt++) {
      const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'report', folder, '--quiet'], {
        cwd: repoRoot,
        stdio: 'ignore',
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let done = false;
      void exited.then(() => {
        done = true;
      });
      while (!done && caught.length === 0) {
        caught = temps(folder);
        if (caught.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      await exited;
      caught = temps(folder);
    }
    expect(caught.length, 'a temp file seen before the kill').toBeGreaterThan(0);
    const r = hwnas(['report', folder, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(temps(folder)).toEqual([]);
    expect(sideFiles(folder)).toEqual([]);
    expect(readFileSync(join(folder, 'report.html')).equals(readFileSync(join(good, 'report.html')))).toBe(true);
  }, 120_000);

  it('only temp files of dead processes, and of files the folder kind writes, are swept', () => {
    const folder = join(dir, 'sweep');
    rmSync(folder, { recursive: true, force: true });
    cpSync(good, folder, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = process.pid;
    const put = (rel: string) => writeFileSync(join(folder, rel), 'x');
    put(`report.html.tmp-${dead}-1`);
    put(`plots/gd-toy-lat-a.svg.tmp-${dead}-17`);
    put(`results/runs.csv.tmp-${live}-2`);
    put(`notes.txt.tmp-${dead}-3`);
    const removed = sweepStaleTemps(folder, { files: ['report.html'], subfolders: ['plots', 'results'] });
    expect(removed.map((p) => p.slice(folder.length + 1)).sort()).toEqual([
      `plots/gd-toy-lat-a.svg.tmp-${dead}-17`,
      `report.html.tmp-${dead}-1`,
    ]);
    expect(existsSync(join(folder, `results/runs.csv.tmp-${live}-2`))).toBe(true);
    expect(existsSync(join(folder, `notes.txt.tmp-${dead}-3`))).toBe(true);
  });
});

describe('a full disk (a real small file system)', () => {
  let fs: SmallFs;
  beforeAll(() => {
    fs = mountSmallFs(8);
    if (fs.reason) console.warn(`skipping the disk-full tests: ${fs.reason}`);
  });
  afterAll(() => fs?.unmount());

  it('stops with exit 2 naming the space and the folder, keeps the finished runs, and resumes to the same exports', (ctx) => {
    if (!fs.dir) return ctx.skip();
    const folder = join(fs.dir, 'study');
    const storeSize = statSync(join(good, 'study.sqlite')).size;
    let kept = 0;
    // Leave a little more room than the setup needs, so that the disk fills after some runs.
    for (let extra = 64; extra <= 512 && kept === 0; extra += 64) {
      rmSync(folder, { recursive: true, force: true });
      const filler = fillTo(fs.dir, storeSize + extra * 1024);
      const r = hwnas([...study, '--out', folder]);
      rmSync(filler);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^hwnas: no space left on the device of '${folder}' \\(`));
      expect(lines[0]).not.toMatch(/internal error/);
      const m = /the (\d+) finished runs? (?:is|are) kept/.exec(lines[0]!);
      if (m) kept = Number(m[1]);
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(TOTAL);
    // Space freed: the rerun resumes the kept runs and writes what an undisturbed run writes.
    const r = hwnas([...study.filter((a) => a !== '--quiet'), '--json', '--out', folder]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs).toEqual({ total: TOTAL, ran: TOTAL - kept, resumed: kept });
    for (const f of exported)
      expect(readFileSync(join(folder, f), 'utf8'), f).toBe(readFileSync(join(good, f), 'utf8'));
    expect(sideFiles(folder)).toEqual([]);
    expect(temps(folder)).toEqual([]);
  }, 300_000);

  it('while writing the report: exit 2 naming the space, no temp file left, the previous report kept', (ctx) => {
    if (!fs.dir) return ctx.skip();
    const folder = join(fs.dir, 'report');
    rmSync(folder, { recursive: true, force: true });
    cpSync(good, folder, { recursive: true });
    const filler = fillTo(fs.dir, 300 * 1024);
    const r = hwnas(['report', folder, '--quiet']);
    rmSync(filler);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^hwnas: no space left on the device of '${folder}' while writing the report \\(.*ENOSPC.*\\): the results`,
      ),
    );
    expect(temps(folder)).toEqual([]);
    expect(readFileSync(join(folder, 'report.html')).equals(readFileSync(join(good, 'report.html')))).toBe(true);
    const again = hwnas(['report', folder, '--quiet']);
    expect(again.code).toBe(0);
  }, 120_000);

  it('open-search history: a failed append is one line and leaves only whole records', (ctx) => {
    if (!fs.dir) return ctx.skip();
    const path = join(fs.dir, 'open', 'history.jsonl');
    const filler = fillTo(fs.dir, 64 * 1024);
    const w = new HistoryWriter(path);
    let appended = 0;
    let error: unknown;
    try {
      w.append({ type: 'search', version: 1, study: 's', config: {} });
      for (appended = 1; appended < 1_000_000; appended++)
        w.append({ type: 'ask', n: appended, arch: appended % 15625 });
    } catch (e) {
      error = e;
    } finally {
      w.close();
      rmSync(filler);
    }
    expect(isHwnasError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^no space left on the device of '.*open' \(cannot append to .*history\.jsonl\)/,
    );
    const h = readHistory(path)!;
    expect(h.records).toHaveLength(appended - 1);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });
});
