/** The folders a dashboard serves: studies and open searches below the root, never through a link. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFolders } from '../../src/serve/scan.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-scan-'));
  const mk = (rel: string, file: string) => {
    mkdirSync(join(dir, 'root', rel), { recursive: true });
    writeFileSync(join(dir, 'root', rel, file), '');
  };
  mk('a/study-1', 'study.sqlite');
  mk('a/study-1/plots/nested', 'study.sqlite'); // inside a found folder: not searched
  mk('b', 'history.jsonl');
  mk('.hidden/s', 'study.sqlite');
  mk('node_modules/s', 'study.sqlite');
  mk('../outside/s', 'study.sqlite');
  symlinkSync(join(dir, 'outside'), join(dir, 'root', 'link'));
  mkdirSync(join(dir, 'root', 'c'));
  symlinkSync(join(dir, 'outside', 's', 'study.sqlite'), join(dir, 'root', 'c', 'study.sqlite'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanFolders', () => {
  it('lists study and open-search folders by relative id, skipping links, hidden folders and node_modules', () => {
    const root = join(dir, 'root');
    expect(scanFolders(root).map((f) => [f.id, f.kind])).toEqual([
      ['a/study-1', 'study'],
      ['b', 'open'],
    ]);
    expect(scanFolders(join(root, 'b')).map((f) => f.id)).toEqual(['.']);
  });
});
