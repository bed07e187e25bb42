/** Files a request names are read only from inside the served root: traversal and links out are refused. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../../src/serve/safe-path.js';

let dir: string;
let root: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'hwnas-safe-path-')));
  root = join(dir, 'root');
  mkdirSync(join(root, 'study', 'tables'), { recursive: true });
  writeFileSync(join(root, 'study', 'tables', 'gd.csv'), 'a,b\n');
  writeFileSync(join(dir, 'secret.txt'), 'outside\n');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'out-link.txt'));
  symlinkSync(dir, join(root, 'out-dir'));
  symlinkSync(join(root, 'study', 'tables', 'gd.csv'), join(root, 'in-link.csv'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('resolves a file inside the root, through a link that stays inside', () => {
    expect(resolveInside(root, 'study/tables/gd.csv')).toEqual({ ok: true, path: join(root, 'study/tables/gd.csv') });
    expect(resolveInside(root, 'study%2Ftables%2Fgd.csv')).toEqual({
      ok: true,
      path: join(root, 'study/tables/gd.csv'),
    });
    expect(resolveInside(root, 'in-link.csv')).toEqual({ ok: true, path: join(root, 'study/tables/gd.csv') });
  });

  it.each([
    '../secret.txt',
    'study/../../secret.txt',
    '%2e%2e/secret.txt',
    '%2E%2E%2Fsecret.txt',
    'study%2F..%2F..%2Fsecret.txt',
    '..%5Csecret.txt',
    '%252e%252e/secret.txt',
    'study/tables/gd.csv%00.png',
    'out-link.txt',
    'out-dir/secret.txt',
    '%E0%A4%A',
  ])('refuses %s', (raw) => {
    expect(resolveInside(root, raw)).toEqual({ ok: false, why: 'forbidden' });
  });

  it('says missing for what is not a plain file inside', () => {
    expect(resolveInside(root, 'study/none.csv')).toEqual({ ok: false, why: 'missing' });
    expect(resolveInside(root, 'study/tables')).toEqual({ ok: false, why: 'missing' });
    expect(resolveInside(root, '')).toEqual({ ok: false, why: 'missing' });
  });
});
