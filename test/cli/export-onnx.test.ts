/** hwnas export-onnx: the same seed gives the same bytes; bad input is one line and writes nothing. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-export-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwnas export-onnx', () => {
  it('writes identical bytes for the same seed and refuses bad input with one line', () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    const r = runCli(['export-onnx', 'nb201', '11718', '-o', a, '--seed', '5', '--classes', '10', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ index: 11718, input: [-1, 3, 32, 32], output: [-1, 10], seed: 5 });
    expect(runCli(['export-onnx', 'nb201', '11718', '-o', b, '--seed', '5', '--classes', '10']).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);

    const bad = join(dir, 'bad.onnx');
    for (const argv of [
      ['export-onnx', 'nb201', '|x|', '-o', bad],
      ['export-onnx', 'nb201', '1', '-o', bad, '--seed', 'abc'],
      ['export-onnx', 'nb201', '1', '-o', bad, '--classes', '0'],
    ]) {
      const e = runCli(argv);
      expect(e.code).toBe(2);
      expect(e.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(bad)).toBe(false);
  });
});
