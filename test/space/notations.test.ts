/**
 * Every notation hwnas prints for an architecture (`space.notations`, shown by `hwnas arch`, and the
 * canonical `format`) is accepted back by the same space's `parse`, for random indices of every kind of
 * space: NB201, BLOX, the example JSON spaces and random user-defined JSON spaces. BLOX's `cell0..2` are
 * excluded: each describes one stage (a cell function like `conv(conv(x))`), not the architecture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSpace } from '../../src/space/all.js';
import { layeredSpaceFromJson } from '../../src/space/layered/index.js';
import type { SearchSpace } from '../../src/space/types.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { tinyLayeredSpace } from '../helpers/data.js';

const PER_STAGE = /^cell\d$/;

function notationsParseBack(space: SearchSpace, skip?: RegExp): void {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: space.size - 1 }), (index) => {
      const printed = { ...space.notations(index), format: space.format(index) };
      for (const [key, value] of Object.entries(printed)) {
        if (skip?.test(key)) continue;
        expect(space.parse(String(value)), `${space.id} ${key}: ${value}`).toBe(index);
      }
    }),
    { numRuns: 200 },
  );
}

const exampleSpace = (file: string) =>
  layeredSpaceFromJson(JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')), file);

describe('every printed notation parses back to its index', () => {
  it('nb201: index, cell string and edge op codes', () => notationsParseBack(getSpace('nb201')));

  it('blox: index, arch vector, model hash and compact form', () => {
    const blox = getSpace('blox');
    expect(Object.keys(blox.notations(0)).filter((k) => PER_STAGE.test(k))).toEqual(['cell0', 'cell1', 'cell2']);
    notationsParseBack(blox, PER_STAGE);
  }, 120_000);

  it('the example JSON spaces: index, codes and op names', () => {
    for (const file of ['nas-bench-macro.json', 'mcu-dscnn.json']) notationsParseBack(exampleSpace(file));
    notationsParseBack(layeredSpaceFromJson(tinyLayeredSpace('tiny')));
  });

  it('random JSON spaces (one digit per layer, dash-separated codes, a single layer)', () => {
    const spaceOf = (choices: number[]) =>
      layeredSpaceFromJson({
        name: 'random',
        input: { channels: 3, resolution: 8 },
        classes: 2,
        layers: choices.map((k, l) => ({
          name: `l${l}`,
          out: 8,
          choices: Array.from({ length: k }, (_, j) => ({ op: 'conv', kernel: 2 * j + 1 })),
        })),
      });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 12 }), { minLength: 1, maxLength: 5 }), fc.nat(), (choices, r) => {
        const space = spaceOf(choices);
        const index = r % space.size;
        for (const value of [...Object.values(space.notations(index)), space.format(index)])
          expect(space.parse(String(value)), `${choices} ${value}`).toBe(index);
      }),
      { numRuns: 100 },
    );
  });
});

describe('hwnas arch takes back what it prints', () => {
  it('nb201 edge op codes 4,2,4,0,0,0 (issue 12.10) name the architecture whose codes line they are', () => {
    const r = runCli(['arch', 'nb201', '4,2,4,0,0,0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { index: number; notations: { codes: string; cell: string } };
    expect(report.index).toBe(4 + 2 * 5 + 4 * 25);
    expect(report.notations.codes).toBe('4,2,4,0,0,0');
    for (const again of [report.notations.cell, String(report.index)]) {
      const back = runCli(['arch', 'nb201', again, '--json']);
      expect(JSON.parse(back.stdout).index).toBe(report.index);
    }
  });

  it("a JSON space's ops line is accepted; a wrong name is one line naming the layer and its choices", () => {
    const file = join(repoRoot, 'examples', 'mcu-dscnn.json');
    const shown = runCli(['arch', file, '77', '--json']);
    const ops = (JSON.parse(shown.stdout) as { notations: { ops: string } }).notations.ops;
    const r = runCli(['arch', file, ops, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).index).toBe(77);
    const bad = runCli(['arch', file, ops.replace(/\S+$/, 'sep_k3_c1')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^hwnas: mcu-dscnn layer \S+ has no choice 'sep_k3_c1' \(its choices: /);
  });
});
