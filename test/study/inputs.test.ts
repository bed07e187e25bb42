/** Which files a study reads: their contents count in the study hash. */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { strategyNames } from '../../src/search/index.js';
import { buildConfig, configHash, studyHash } from '../../src/study/config.js';
import { sourceFiles, studyInputs } from '../../src/study/inputs.js';
import { tinyLayeredSpace } from '../helpers/data.js';
import { toyReportConfig } from '../helpers/study-toy.js';

describe('which files a study reads', () => {
  const FILES: Record<string, string> = {
    'space.json': JSON.stringify(tinyLayeredSpace('qa-tiny')),
    'acc.csv': 'index,acc\n0,50\n1,61\n2,66\n3,58\n4,70\n5,73\n6,62\n7,74\n8,79\n',
    'lut.csv': 'decision,choice,ms\nfixed,,1\n0,0,0.5\n0,1,1.5\n0,2,3\n1,0,0.4\n1,1,1.2\n1,2,2.5\n',
    'fit.csv': 'index,ms\n0,2\n4,3.5\n8,6\n',
  };

  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-study-inputs-'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  });

  it("lists each source's file by its own parser; built-in sources read none", () => {
    expect(sourceFiles('table:m/acc.csv#top1:max')).toEqual(['m/acc.csv']);
    expect(sourceFiles('fit:a#b.csv#ms@cortex-m7')).toEqual(['a#b.csv']);
    expect(sourceFiles('fit:board.csv#ms')).toEqual(['board.csv']);
    expect(sourceFiles('lut:per-block.csv')).toEqual(['per-block.csv']);
    for (const spec of ['nb201:cifar100', 'help:pixel3', 'model:cortex-m7@threads=4', 'blox:test_top1', 'ort'])
      expect(sourceFiles(spec)).toEqual([]);
  });

  it('a study naming no file hashes as its config alone (folders from before still resume)', () => {
    const toy = toyReportConfig();
    expect(studyInputs(toy)).toEqual([]);
    expect(studyHash(toy, [])).toBe(configHash(toy));
    expect(studyInputs(buildConfig({}, strategyNames))).toEqual([]);
  });

  it('lists the space file and each CSV once, in config order, with the sha256 of its bytes', () => {
    const config = buildConfig(
      {
        space: join(dir, 'space.json'),
        accuracy: `table:${join(dir, 'acc.csv')}#acc`,
        devices: `lut:${join(dir, 'lut.csv')},table:${join(dir, 'acc.csv')}#acc:min`,
        population: '4',
        sample: '2',
      },
      strategyNames,
    );
    const sha = (name: string) => createHash('sha256').update(FILES[name]!).digest('hex');
    expect(studyInputs(config).map((i) => [i.file, i.sha256])).toEqual([
      [join(dir, 'space.json'), sha('space.json')],
      [join(dir, 'acc.csv'), sha('acc.csv')],
      [join(dir, 'lut.csv'), sha('lut.csv')],
    ]);
  });
});
