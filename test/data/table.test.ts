import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDirection, parseTableSpec, readTableColumn } from '../../src/data/table.js';
import { isHwnasError } from '../../src/errors.js';
import { resolveSource } from '../../src/objectives/all.js';
import { Nb201Space } from '../../src/space/nb201/index.js';
import { runCli } from '../helpers/cli.js';
import { toySpace } from '../helpers/data.js';
import { expectUserError } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-table-'));
const space = toySpace([2, 3]); // 6 architectures, notation "c0-c1"

function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an HwnasError');
}

const full = 'arch,latency_ms,top1\n0-0,1.5,70\n1-0,2,71\n0-1,3,72\n1-1,4,73\n0-2,5,74\n1-2,6,75\n';

describe('table specs', () => {
  it('splits file, column and direction override', () => {
    expect(parseTableSpec('m7.csv#ms')).toEqual({ file: 'm7.csv', column: 'ms', direction: undefined });
    expect(parseTableSpec('a#b.csv#acc:min')).toEqual({ file: 'a#b.csv', column: 'acc', direction: 'min' });
    expect(() => parseTableSpec('m7.csv')).toThrow("bad table source 'table:m7.csv'");
  });
  it('accuracy-like names maximise, everything else minimises', () => {
    expect(defaultDirection('top1')).toBe('max');
    expect(defaultDirection('val_accuracy')).toBe('max');
    expect(defaultDirection('acc')).toBe('max');
    expect(defaultDirection('latency_ms')).toBe('min');
    expect(defaultDirection('energy_mj')).toBe('min');
  });
});

describe('table source', () => {
  it('reads values aligned with the space index, by arch notation', () => {
    const p = csv('full.csv', full);
    const c = readTableColumn({ file: p, column: 'latency_ms' }, space);
    expect([...c.values]).toEqual([1.5, 2, 3, 4, 5, 6]);
    expect(c).toMatchObject({ name: 'latency_ms', direction: 'min', unit: 'ms' });
    const a = readTableColumn({ file: p, column: 'top1' }, space);
    expect(a).toMatchObject({ direction: 'max', unit: '%' });
    expect(readTableColumn({ file: p, column: 'top1', direction: 'min' }, space).direction).toBe('min');
  });
  it('reads an index column, CRLF, BOM and shuffled rows', () => {
    const p = csv('idx.csv', '\ufeffindex,ms\r\n5,60\r\n0,10\r\n3,40\r\n1,20\r\n2,30\r\n4,50\r\n');
    expect([...readTableColumn({ file: p, column: 'ms' }, space).values]).toEqual([10, 20, 30, 40, 50, 60]);
  });
  it('resolves through the registry as table:<file>#<column>:max', async () => {
    const p = csv('reg.csv', full);
    const c = await resolveSource(`table:${p}#latency_ms:max`, { space });
    expect(c.direction).toBe('max');
    expect(c.source).toBe(`table:${p}#latency_ms:max`);
  });
  it('errors name file, line and column', () => {
    expect(
      errorOf(() => readTableColumn({ file: csv('dup.csv', 'arch,ms\n0-0,1\n1-0,2\n0-0,3\n'), column: 'ms' }, space)),
    ).toBe("table dup.csv:4: column 'arch': architecture 0 already given on line 2");
    expect(
      errorOf(() => readTableColumn({ file: csv('bad.csv', 'arch,ms\n0-0,1\n9-9,2\n'), column: 'ms' }, space)),
    ).toMatch(/^table bad\.csv:3: column 'arch': cannot parse '9-9'/);
    expect(
      errorOf(() => readTableColumn({ file: csv('nan.csv', 'arch,ms\n0-0,1\n1-0,fast\n'), column: 'ms' }, space)),
    ).toBe("table nan.csv:3: column 'ms': 'fast' is not a number");
    expect(errorOf(() => readTableColumn({ file: csv('hex.csv', 'arch,ms\n0-0,0x10\n'), column: 'ms' }, space))).toBe(
      "table hex.csv:2: column 'ms': '0x10' is not a number",
    );
    const sci = readTableColumn({ file: csv('sci.csv', 'arch,ms\n0-0,1.5e1\n1-0,.5\n0-1,+2\n'), column: 'ms' }, space, {
      allowMissing: true,
    });
    expect(Array.from(sci.values.subarray(0, 3))).toEqual([15, 0.5, 2]);
    expect(errorOf(() => readTableColumn({ file: csv('neg.csv', 'arch,ms\n0-0,-1\n'), column: 'ms' }, space))).toBe(
      "table neg.csv:2: column 'ms': negative value -1",
    );
    expect(errorOf(() => readTableColumn({ file: csv('idxbad.csv', 'index,ms\n6,1\n'), column: 'ms' }, space))).toMatch(
      /idxbad\.csv:2: column 'index': '6' is not an index/,
    );
    expect(errorOf(() => readTableColumn({ file: csv('nocol.csv', 'arch,ms\n0-0,1\n'), column: 'us' }, space))).toBe(
      "table nocol.csv: no column 'us'",
    );
    expect(errorOf(() => readTableColumn({ file: csv('noarch.csv', 'name,ms\nx,1\n'), column: 'ms' }, space))).toMatch(
      /no 'arch' or 'index' column/,
    );
    expect(errorOf(() => readTableColumn({ file: join(dir, 'absent.csv'), column: 'ms' }, space))).toMatch(
      /no such file/,
    );
  });
  it('a ; or tab separated file gets a hint to use commas', () => {
    for (const [name, text] of [
      ['semi.csv', 'arch;ms\n0-0;1\n'],
      ['tab.csv', 'arch\tms\n0-0\t1\n'],
    ]) {
      try {
        readTableColumn({ file: csv(name!, text!), column: 'ms' }, space);
        expect.unreachable();
      } catch (e) {
        expect(isHwnasError(e) && e.hint).toMatch(/separate the columns with commas/);
      }
    }
  });
  it('missing architectures are an error unless allowMissing (then NaN and a coverage note)', () => {
    const p = csv('part.csv', 'arch,ms\n0-0,1\n1-2,6\n');
    expect(errorOf(() => readTableColumn({ file: p, column: 'ms' }, space))).toBe(
      'table part.csv: 4 of 6 architectures have no row (first missing: index 1, 1-0)',
    );
    const c = readTableColumn({ file: p, column: 'ms' }, space, { allowMissing: true });
    expect(c.values[0]).toBe(1);
    expect(c.values[5]).toBe(6);
    expect(Number.isNaN(c.values[1]!)).toBe(true);
    expect(c.notes!.join(' ')).toMatch(/covers 2 of 6 architectures/);
  });
});

describe('a table row whose index contradicts its arch', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  function reEscape(s: string): string {
    return s.replace(/[|+^$.*?()[\]{}\\]/g, '\\$&');
  }

  const nb201 = new Nb201Space();
  const rows = (index7: string) =>
    `index,arch,ms\n0,${nb201.format(0)},1\n${index7},${nb201.format(7)},2\n2,${nb201.format(2)},3\n`;
  const latency = (spec: string) => runCli(['latency', 'nb201', '--latency', spec, '--allow-missing', '--arch', '7']);

  it('is refused naming the line, both values and what the arch decodes to (table: and fit:)', () => {
    const bad = file('contradicts.csv', rows('5'));
    const line = new RegExp(
      `^hwnas: table contradicts\\.csv:3: column 'index' is 5 but column 'arch' '${reEscape(nb201.format(7))}' is index 7 \\(${reEscape(nb201.format(7))}\\)`,
    );
    expectUserError(latency(`table:${bad}#ms`), line);
    expectUserError(latency(`fit:${bad}#ms`), line);
  });

  it('agreeing or empty index cells are read as before, with the value filed under the arch', () => {
    for (const index7 of ['7', '']) {
      const r = latency(`table:${file('agrees.csv', rows(index7))}#ms`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`index,arch,ms\n7,${nb201.format(7)},2\n`);
    }
  });

  it("a table hwnas wrote (latency's index,arch columns) reads back", () => {
    const written = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '3', '--arch', '11']);
    expect(written.code, written.stderr).toBe(0);
    const path = file('written.csv', written.stdout);
    const back = runCli(['latency', 'nb201', '--latency', `table:${path}#ms`, '--allow-missing', '--arch', '11']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim().split('\n')[1]).toBe(written.stdout.trim().split('\n')[2]);
  });
});
