/** Output files and folders: unwritable paths are one-line user errors and leave nothing half-written. */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { checkOutputFile } from '../../src/io/folders.js';
import { runCli } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';

describe('output files', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
    writeFileSync(file('Z.csv'), 'f1,f2\n1,0\n0,10\n');
    writeFileSync(file('Zrev.csv'), 'f2,f1\n0,1\n10,0\n'); // the same front, columns swapped
    writeFileSync(file('A.csv'), 'f1,f2\n2,5\n');
    writeFileSync(file('A13.csv'), 'f1,f3\n2,5\n');
    writeFileSync(file('front.csv'), 'index,arch,accuracy,latency\n1,x,90,2\n');
    writeFileSync(file('file'), 'not a folder\n');
    writeFileSync(file('header-only.csv'), 'arch,ms\n');
    writeFileSync(file('acc.csv'), 'arch,top1\n0,1.5\n');
  });

  it('writeFileAtomic: unwritable paths are user errors and leave no temp file', () => {
    expect(errorOf(() => writeFileAtomic(file('file/x.csv'), 'a')).message).toBe(
      `cannot create the folder of ${file('file/x.csv')}: a file is in the way`,
    );
    expect(errorOf(() => writeFileAtomic(dir, 'a')).message).toBe(`cannot write ${dir}: it is a folder`);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    writeFileAtomic(file('made/here.csv'), 'ok\n'); // library callers (study, cache) still get folders made
    expect(existsSync(file('made/here.csv'))).toBe(true);
  });
  it('checkOutputFile: a missing folder, a file in the way or a folder as target', () => {
    expect(errorOf(() => checkOutputFile('--out', file('nope/x.onnx'))).message).toMatch(
      /folder '.*nope' does not exist/,
    );
    expect(errorOf(() => checkOutputFile('--out', file('file/x.onnx'))).message).toMatch(/is not a folder/);
    expect(errorOf(() => checkOutputFile('--out', dir)).message).toMatch(/is a folder/);
    checkOutputFile('--out', file('fine.onnx'));
  });
  it('export-onnx into a folder that does not exist: one line, exit 2, nothing written', () => {
    const out = file('missing-folder/net.onnx');
    const r = runCli(['export-onnx', 'nb201', '0', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hwnas: --out .*missing-folder\/net\.onnx: folder .* does not exist \(create it first/);
    expect(existsSync(file('missing-folder'))).toBe(false);
  });
});
