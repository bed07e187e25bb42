/** Running / finished / interrupted, from the files alone. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStatus, QUIET_MS, studyStatus } from '../../src/serve/status.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-status-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (path: string, ms: number) => utimesSync(path, new Date(ms), new Date(ms));

describe('studyStatus', () => {
  it('finished with every run; running while a -wal is fresh; interrupted otherwise', () => {
    const f = join(dir, 'study');
    mkdirSync(f);
    writeFileSync(join(f, 'study.sqlite'), 'x');
    const now = Date.now();
    at(join(f, 'study.sqlite'), now - 2 * QUIET_MS);
    expect(studyStatus(f, 4, 4, now)).toBe('finished');
    expect(studyStatus(f, 3, 4, now)).toBe('interrupted');
    writeFileSync(join(f, 'study.sqlite-wal'), 'x');
    at(join(f, 'study.sqlite-wal'), now - 1000);
    expect(studyStatus(f, 3, 4, now)).toBe('running');
    at(join(f, 'study.sqlite-wal'), now - 2 * QUIET_MS);
    expect(studyStatus(f, 3, 4, now)).toBe('interrupted');
  });
});

describe('openStatus', () => {
  it('finished once search.json is newer and complete; stopped or quiet is interrupted', () => {
    const f = join(dir, 'open');
    mkdirSync(f);
    const now = Date.now();
    writeFileSync(join(f, 'history.jsonl'), 'x');
    at(join(f, 'history.jsonl'), now - 1000);
    expect(openStatus(f, null, 5, false, now)).toBe('running');
    expect(openStatus(f, null, 5, true, now)).toBe('interrupted');
    at(join(f, 'history.jsonl'), now - 2 * QUIET_MS);
    expect(openStatus(f, null, 5, false, now)).toBe('interrupted');
    writeFileSync(join(f, 'search.json'), '{}');
    at(join(f, 'search.json'), now - 2 * QUIET_MS + 10);
    expect(openStatus(f, { stopped: false, told: 5 }, 5, false, now)).toBe('finished');
    expect(openStatus(f, { stopped: true, told: 5 }, 5, false, now)).toBe('interrupted');
    // A resumed session appends after the old search.json: running again.
    at(join(f, 'history.jsonl'), now - 500);
    expect(openStatus(f, { stopped: false, told: 5 }, 6, false, now)).toBe('running');
  });
});
