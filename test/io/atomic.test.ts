/**
 * The one atomic write: temp files named `<file>.tmp-<pid>-<n>` beside their target (what stale-temp
 * cleanup matches), several files all or none, and nothing left behind by a failure, whichever of the
 * user-error, throwing or cache (boolean) forms is called.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import {
  AtomicWriteError,
  tempPathFor,
  tryWriteFileAtomic,
  writeFilesAtomic,
  writeFilesAtomicOrThrow,
} from '../../src/io/atomic.js';
import { AtomicFileStream } from '../../src/io/atomic-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temps = (folder: string) => readdirSync(folder).filter((f) => f.includes('.tmp-'));

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('atomic writes', () => {
  it('names temp files <file>.tmp-<pid>-<n> beside the target, never twice the same', () => {
    const target = join(dir, 'out.csv');
    const names = Array.from({ length: 1000 }, () => tempPathFor(target));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(dirname(n)).toBe(dir);
      expect(basename(n)).toMatch(new RegExp(`^out\\.csv\\.tmp-${process.pid}-\\d+$`));
    }
  });

  it('writes several files all or none', () => {
    const a = join(dir, 'all', 'a.csv');
    writeFilesAtomic([
      [a, 'a\n'],
      [join(dir, 'all', 'sub', 'b.csv'), 'b\n'],
    ]);
    expect(readFileSync(a, 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'all', 'sub', 'b.csv'), 'utf8')).toBe('b\n');
    // A second file that cannot be written (a folder in its place): the first is not replaced.
    mkdirSync(join(dir, 'all', 'folder.csv'));
    const e = errorOf(() =>
      writeFilesAtomic([
        [a, 'new\n'],
        [join(dir, 'all', 'folder.csv'), 'x'],
      ]),
    );
    expect(isHwnasError(e)).toBe(true);
    expect((e as Error).message).toBe(`cannot write ${join(dir, 'all', 'folder.csv')}: it is a folder`);
    expect(readFileSync(a, 'utf8')).toBe('a\n');
    expect(temps(join(dir, 'all'))).toEqual([]);
  });

  it('throws AtomicWriteError with its stage, for callers with their own message', () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const e = errorOf(() => writeFilesAtomicOrThrow([[join(dir, 'plain', 'inside.bin'), 'y']]));
    expect(e).toBeInstanceOf(AtomicWriteError);
    expect((e as AtomicWriteError).stage).toBe('mkdir');
    expect(['EEXIST', 'ENOTDIR']).toContain((e as AtomicWriteError).code);
  });

  it('returns false for a cache it cannot write, leaving nothing', () => {
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', 'derived'), 'a file where the folder should be');
    expect(tryWriteFileAtomic(join(dir, 'cache', 'derived', 'table.bin'), 'z')).toBe(false);
    expect(tryWriteFileAtomic(join(dir, 'cache'), 'z')).toBe(false);
    expect(readdirSync(join(dir, 'cache'))).toEqual(['derived']);
    expect(tryWriteFileAtomic(join(dir, 'cache', 'table.bin'), 'z')).toBe(true);
    expect(readFileSync(join(dir, 'cache', 'table.bin'), 'utf8')).toBe('z');
  });

  it('streams through a temp file of the same pattern, renamed on commit', () => {
    const path = join(dir, 'stream', 'page.html');
    const page = AtomicFileStream.open(path);
    page.write('<p>');
    const [tmp] = temps(join(dir, 'stream'));
    expect(tmp).toMatch(new RegExp(`^page\\.html\\.tmp-${process.pid}-\\d+$`));
    page.write('</p>');
    page.commit();
    expect(readFileSync(path, 'utf8')).toBe('<p></p>');
    expect(temps(join(dir, 'stream'))).toEqual([]);
  });
});
