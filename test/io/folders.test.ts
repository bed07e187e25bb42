/** Output files and folders: unwritable paths are one-line user errors and leave nothing half-written. */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { checkOutputFile } from '../../src/io/folders.js';
import { runCli } from '../helpers/cli.js';
import { csvFixtures } from '../helpers/csv-fixtures.js';
import { errorOf } from '../helpers/errors.js';

describe('output files', () => {
  const file = csvFixtures();

  it('writeFileAtomic: unwritable paths are user errors and leave no temp file', () => {
    expect(errorOf(() => writeFileAtomic(file('file/x.csv'), 'a')).message).toBe(
      `cannot create the folder of ${file('file/x.csv')}: a file is in the way`,
    );
    expect(errorOf(() => writeFileAtomic(file(''), 'a')).message).toBe(`cannot write ${file('')}: it is a folder`);
    expect(readdirSync(file('')).filter((n) => n.includes('.tmp-'))).toEqual([]);
    writeFileAtomic(file('made/here.csv'), 'ok\n'); // library callers (study, cache) still get folders made
    expect(existsSync(file('made/here.csv'))).toBe(true);
  });
  it('checkOutputFile: a missing folder, a file in the way or a folder as target', () => {
    expect(errorOf(() => checkOutputFile('--out', file('nope/x.onnx'))).message).toMatch(
      /folder '.*nope' does not exist/,
    );
    expect(errorOf(() => checkOutputFile('--out', file('file/x.onnx'))).message).toMatch(/is not a folder/);
    expect(errorOf(() => checkOutputFile('--out', file(''))).message).toMatch(/is a folder/);
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
