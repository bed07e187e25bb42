/** A history.jsonl followed as it grows: only complete lines, each tell once, a replaced file read again. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryTail } from '../../src/serve/history-tail.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-tail-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = { type: 'search', version: 1, study: 's', config: { space: 'nb201' } };
const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const tell = (n: number, arch: number) => ({ type: 'tell', n, arch, ok: true, objectives: { a: n }, t: n * 10, ms: 5 });

describe('HistoryTail', () => {
  it('reads appended lines only once, waits for a line without its newline, counts asks in flight', () => {
    const path = join(dir, 'h1.jsonl');
    const tail = new HistoryTail(path);
    expect(tail.update()).toBe(false);
    writeFileSync(path, line(header) + line({ type: 'ask', n: 0, arch: 5 }) + line({ type: 'ask', n: 1, arch: 9 }));
    expect(tail.update()).toBe(true);
    expect(tail.header?.study).toBe('s');
    expect(tail.inFlight()).toEqual([
      { n: 0, arch: 5 },
      { n: 1, arch: 9 },
    ]);
    const half = line(tell(1, 9));
    appendFileSync(path, half.slice(0, 10));
    expect(tail.update()).toBe(false);
    expect(tail.tells).toHaveLength(0);
    appendFileSync(path, half.slice(10) + line(tell(1, 9)));
    expect(tail.update()).toBe(true);
    expect(tail.tells.map((t) => t.n)).toEqual([1]);
    expect(tail.inFlight()).toEqual([{ n: 0, arch: 5 }]);
    appendFileSync(path, `not json\n${line({ type: 'stop', reason: 'x', t: 1 })}`);
    tail.update();
    expect(tail.badLines).toBe(1);
    expect(tail.lastIsStop).toBe(true);
  });

  it('starts over when the file is replaced by a shorter one', () => {
    const path = join(dir, 'h2.jsonl');
    writeFileSync(path, line(header) + line(tell(0, 1)) + line(tell(1, 2)));
    const tail = new HistoryTail(path);
    tail.update();
    expect(tail.tells).toHaveLength(2);
    writeFileSync(path, line({ ...header, study: 'other' }) + line(tell(0, 3)));
    tail.update();
    expect(tail.header?.study).toBe('other');
    expect(tail.tells.map((t) => t.arch)).toEqual([3]);
  });
});
