/** runOpenSearch with --constraint and --pruning: only feasible, kept-choice architectures are evaluated. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHistory, type TellRecord } from '../../src/distributed/history.js';
import { runOpenSearch } from '../../src/distributed/open-search.js';
import { feasibleMask, parseConstraints } from '../../src/problem/index.js';
import { getSpace } from '../../src/space/all.js';
import { asyncErrorOf } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-open-restrict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE = 'examples/fmnist-m7.json';
// An evaluator program: accuracy from the index (no training), so the test is about what is asked.
const program = join(dir, 'acc.mjs');
writeFileSync(
  program,
  "let d='';process.stdin.on('data',(c)=>{d+=c}).on('end',()=>{const q=JSON.parse(d);" +
    'console.log(JSON.stringify({objectives:{accuracy:50+((q.index*7919)%4000)/100}}))});\n',
);

const base = {
  space: SPACE,
  evaluator: `${process.execPath} ${program}`,
  objective: ['model:cortex-m7'],
  queueName: 'hwnas-eval',
  concurrency: '2',
  evals: '12',
  seed: '4',
  strategy: 're',
  population: '4',
  sample: '2',
  maxFail: '0.5',
  failWindow: '20',
  onnx: false,
  torch: false,
  quiet: true,
};
const signal = new AbortController().signal;

describe('open-search --constraint and --pruning', () => {
  it('evaluates only architectures within the constraint and the kept choices; search.json records both', async () => {
    const out = join(dir, 'ok');
    const opts = { ...base, out, constraint: ['fits:cortex-m7'], pruning: 'latency@0.5' };
    const r = await runOpenSearch(opts, signal);
    expect(r.told).toBe(12);
    const json = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(json.constraints).toEqual(['fits:cortex-m7']);
    // the blocks are scored by the first model: --objective when --pruning-source is not given
    expect(json.pruning).toMatchObject({ setting: 'latency@0.5', source: 'model:cortex-m7', size: 729 });
    expect(json.feasible).toBe(729); // latency@0.5 keeps only small blocks: all of them fit
    const space = getSpace(SPACE);
    const feasible = feasibleMask(space, parseConstraints(['fits:cortex-m7'])).mask;
    const kept = (json.pruning.allowed as string[][]).map((names, d) =>
      names.map((n) => space.decisions[d]!.choices.indexOf(n)),
    );
    const tells = readHistory(join(out, 'history.jsonl'))!.records.filter((x): x is TellRecord => x.type === 'tell');
    expect(tells).toHaveLength(12);
    for (const t of tells) {
      expect(t.ok).toBe(true);
      expect(feasible[t.arch]).toBe(1);
      const codes = space.decode(t.arch);
      for (let d = 0; d < codes.length; d++) expect(kept[d]).toContain(codes[d]);
    }
    // The restriction is part of the search's identity: another constraint does not resume it.
    const e = await asyncErrorOf(() => runOpenSearch({ ...opts, constraint: ['params<=500k'] }, signal));
    expect(e.message).toContain('belongs to a different search');
  }, 120_000);

  it('asks outside the constraint cost no evaluation (params<=100k leaves a fraction of the space)', async () => {
    const out = join(dir, 'small');
    const r = await runOpenSearch({ ...base, out, constraint: ['params<=100k'] }, signal);
    expect(r.told).toBe(12);
    const json = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    const mask = feasibleMask(getSpace(SPACE), parseConstraints(['params<=100k'])).mask;
    expect(json.feasible).toBe(mask.reduce((a, b) => a + b, 0));
    expect(json.feasible).toBeLessThan(46_656);
    for (const f of json.front as { index: number }[]) expect(mask[f.index]).toBe(1);
  }, 120_000);

  it('refuses, before writing anything: latency<= constraints, a pruning source without --pruning, nothing feasible', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ constraint: ['latency<=5'] }, "open-search cannot apply 'latency<=5'"],
      [{ pruningSource: 'model:cortex-m7' }, '--pruning-source needs --pruning'],
      [{ pruning: 'speed@0.5' }, "unknown pruning metric 'speed'"],
      [{ constraint: ['params<=1000'] }, 'none of the 46656 architectures searched is within params<=1000'],
    ];
    for (const [extra, message] of cases) {
      const out = join(dir, `bad-${Object.keys(extra).join('-')}`);
      const e = await asyncErrorOf(() => runOpenSearch({ ...base, out, ...extra }, signal));
      expect(e.message).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);
});
