/**
 * Studies with hard constraints and partial tables: the config (hash unchanged without them, a different
 * constraint = a different study), the plan (true front, normalisation and audit over feasible covered
 * architectures only) and `hwnas reproduce --constraint ... --allow-missing` end to end on a measured table
 * that covers part of NB201, written by this test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { paretoFrontIndices } from '../../src/pareto/index.js';
import { feasibleMask, parseConstraints } from '../../src/problem/constraints.js';
import { pickRows } from '../../src/problem/index.js';
import { strategyNames } from '../../src/search/index.js';
import { getSpace } from '../../src/space/all.js';
import { buildConfig, configHash } from '../../src/study/config.js';
import { prepareStudy } from '../../src/study/prepare.js';
import { repoRoot } from '../helpers/cli.js';
import '../helpers/study-toy.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-study-constraints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A measured latency table that covers 3 of every 4 NB201 cells (index % 4 != 0). */
function partialTable(): { path: string; latency: Float64Array } {
  const path = join(dir, 'm7.csv');
  const n = 15625;
  const latency = new Float64Array(n).fill(Number.NaN);
  const lines = ['index,ms'];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) continue;
    latency[i] = 1 + ((i * 37) % 101) / 10;
    lines.push(`${i},${latency[i]}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, latency };
}
const table = partialTable();

const small = { accuracy: 'toy:acc', devices: 'toy:lat-a', evals: '500', population: '20', sample: '5', seeds: '2' };

describe('study config with constraints', () => {
  it('keeps the hash of studies without constraints (recorded before constraints existed)', () => {
    // the default study before its adaptive row (issue 13) was added: the poster's five settings
    const poster = { pruning: 'none,params/latency@0.5,params/latency@0.7,params/latency@0.9,random@0.7' };
    expect(configHash(buildConfig(poster, strategyNames))).toBe('5886f29c9cbcfd2c');
    expect(configHash(buildConfig({ ...small, ...poster }, strategyNames))).toBe('cc34b9dbfda41b82');
  });

  it('a constraint or --allow-missing makes a different study; equal constraints the same one', () => {
    const base = configHash(buildConfig(small, strategyNames));
    const a = buildConfig({ ...small, constraint: ['params<=1M'] }, strategyNames);
    const b = buildConfig({ ...small, constraint: ['params<=1000000'] }, strategyNames);
    const c = buildConfig({ ...small, constraint: ['params<=2M'] }, strategyNames);
    expect(a.constraints).toEqual(['params<=1000000']);
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(base);
    expect(configHash(c)).not.toBe(configHash(a));
    expect(configHash(buildConfig({ ...small, allowMissing: true }, strategyNames))).not.toBe(base);
  });

  it('reads constraints and allowMissing from a config file; flags override the list', () => {
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify({ constraints: ['fits:cortex-m7', 'macs<=100M'], allowMissing: true }));
    const c = buildConfig({ ...small, config: file }, strategyNames);
    expect(c.constraints).toEqual(['fits:cortex-m7', 'macs<=100000000']);
    expect(c.allowMissing).toBe(true);
    expect(buildConfig({ ...small, config: file, constraint: ['params<=1M'] }, strategyNames).constraints).toEqual([
      'params<=1000000',
    ]);
    writeFileSync(file, JSON.stringify({ constraints: 'params<=1M' }));
    expect(() => buildConfig({ ...small, config: file }, strategyNames)).toThrow(/must be a list of strings/);
    writeFileSync(file, JSON.stringify({ allowMissing: 'yes' }));
    expect(() => buildConfig({ ...small, config: file }, strategyNames)).toThrow(/must be true or false/);
  });

  it('a bad constraint is a one-line config error', () => {
    expect(() => buildConfig({ ...small, constraint: ['params=>3'] }, strategyNames)).toThrow(
      /bad --constraint 'params=>3'/,
    );
  });
});

describe('study plan over feasible covered architectures', () => {
  it('true front, normalisation and audit only see feasible architectures', async () => {
    const config = buildConfig(
      {
        accuracy: 'toy:acc',
        devices: `toy:lat-a,table:${table.path}#ms`,
        pruning: 'none,params/latency@0.5',
        evals: '200',
        population: '20',
        sample: '5',
        seeds: '1',
        constraint: ['params<=1M', 'latency<=8'],
        allowMissing: true,
      },
      strategyNames,
    );
    const prepared = await prepareStudy(config, { quiet: true });
    const space = getSpace('nb201');
    const byParams = feasibleMask(space, parseConstraints(['params<=1M'])).mask;
    const f = prepared.feasibility;
    expect(f.constraints).toEqual(['params<=1000000', 'latency<=8']);
    expect(f.devices.map((d) => d.covered)).toEqual([15625, 15625 - 3907]);
    prepared.plan.devices.forEach((device, k) => {
      const latency = prepared.latencyValues[k]!;
      const expected = Uint8Array.from({ length: space.size }, (_, i) =>
        byParams[i] === 1 && latency[i]! <= 8 ? 1 : 0,
      );
      expect(Array.from(device.feasible!)).toEqual(Array.from(expected));
      const rows = Int32Array.from(Array.from(expected).flatMap((v, i) => (v ? [i] : [])));
      expect(f.devices[k]!.feasible).toBe(rows.length);
      // the front of the feasible subset, computed directly
      const local = paretoFrontIndices(pickRows(device.objectives, 2, rows), 2);
      expect(Array.from(device.front)).toEqual(Array.from(local, (j) => rows[j]!));
      for (let i = 0; i < space.size; i++) {
        if (!expected[i]) expect(device.distToFront[i]).toBeNaN();
        else expect(device.distToFront[i]).toBeGreaterThanOrEqual(0);
      }
      // ideal/nadir come from the feasible front (the unconstrained front reaches lower latencies)
      expect(device.ideal[1]).toBe(Math.min(...Array.from(device.front, (i) => latency[i]!)));
    });
    for (const t of prepared.tasks) {
      expect(t.prune.feasibleSize).toBeGreaterThan(0);
      expect(t.prune.feasibleSize).toBeLessThanOrEqual(t.prune.size);
    }
  });
});

const toy = join(repoRoot, 'test/helpers/study-toy.ts');
const cli = join(repoRoot, 'src/cli/run.ts');
function reproduce(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', toy, cli, 'reproduce', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('hwnas reproduce --constraint --allow-missing', () => {
  const common = [
    '--accuracy',
    'toy:acc',
    '--devices',
    `table:${table.path}#ms`,
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
  ];

  it('a table that misses architectures is refused without --allow-missing, naming it', () => {
    const out = join(dir, 'refused');
    const r = reproduce([...common, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/missing|no value/);
    expect(r.stderr).toMatch(/--allow-missing/);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad constraint: one line, exit 2, nothing written', () => {
    const out = join(dir, 'bad');
    const r = reproduce([...common, '--allow-missing', '--constraint', 'latency<=abc', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad --constraint 'latency<=abc'/);
    expect(existsSync(out)).toBe(false);
  });

  it('runs on the covered, feasible subset and says so', () => {
    const out = join(dir, 'study');
    const r = reproduce([
      ...common,
      '--allow-missing',
      '--constraint',
      'params<=1M',
      '--constraint',
      'latency<=8',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const space = getSpace('nb201');
    const params = feasibleMask(space, parseConstraints(['params<=1M'])).mask;
    let feasible = 0;
    const mask = new Uint8Array(space.size);
    for (let i = 0; i < space.size; i++) {
      mask[i] = params[i] === 1 && table.latency[i]! <= 8 ? 1 : 0;
      feasible += mask[i]!;
    }
    expect(r.stdout).toContain('Feasibility (constraints: params<=1000000 latency<=8; --allow-missing');
    expect(r.stdout).toContain(`table:${table.path}#ms: 11718 of 15625 covered, ${feasible} feasible`);
    const csv = readFileSync(join(out, 'tables/feasibility.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('device,architectures,covered,feasible,pruning,pruned size,feasible in pruned');
    expect(csv[1]).toBe(`table:${table.path}#ms,15625,11718,${feasible},none,15625,${feasible}`);
    expect(csv).toHaveLength(3);
    // the HTML report names the restriction and shows the same table
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Feasibility</h2>');
    expect(html).toContain('<dt>Constraints</dt><dd>params&lt;=1000000 latency&lt;=8</dd>');
    // every evaluated architecture is feasible, and each run has its full budget of evaluations
    const db = new Database(join(out, 'study.sqlite'), { readonly: true });
    try {
      const runs = db.prepare('SELECT archs FROM runs').all() as { archs: Buffer }[];
      expect(runs).toHaveLength(4);
      for (const { archs } of runs) {
        const a = new Int32Array(archs.buffer.slice(archs.byteOffset, archs.byteOffset + archs.byteLength));
        expect(a.length).toBe(300);
        for (const i of a) expect(mask[i]).toBe(1);
      }
    } finally {
      db.close();
    }
  });
});
