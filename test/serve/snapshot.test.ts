/**
 * The dashboard reads a study store from a private copy: the served folder keeps exactly its files and
 * bytes (no -wal/-shm appear, none is removed), whether the study is finished or a writer has it open,
 * and what a writer committed is what the snapshot shows.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategyNames } from '../../src/search/index.js';
import { openSnapshot, storeSignature } from '../../src/serve/snapshot.js';
import { buildConfig, runStudy } from '../../src/study/index.js';
import '../helpers/study-toy.js';

function folderState(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(folder).sort())
    out[f] = createHash('sha256')
      .update(readFileSync(join(folder, f)))
      .digest('hex');
  return out;
}

let dir: string;
let folder: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-snapshot-'));
  folder = join(dir, 'study');
  const config = buildConfig(
    {
      accuracy: 'toy:acc',
      devices: 'toy:lat-a',
      pruning: 'none',
      seeds: '2',
      evals: '100',
      population: '10',
      sample: '3',
    },
    strategyNames,
  );
  await runStudy(config, { out: folder, threads: 1, quiet: true });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSnapshot', () => {
  it('reads a finished store and leaves the folder byte for byte as it was', () => {
    const before = folderState(folder);
    expect(Object.keys(before)).toEqual(['study.json', 'study.sqlite']);
    const { store } = openSnapshot(folder);
    try {
      expect(store.runCount()).toBe(2);
      expect(store.loadRuns().map((r) => r.seed)).toEqual([0, 1]);
      expect(store.config().evals).toBe(100);
    } finally {
      store.close();
    }
    expect(folderState(folder)).toEqual(before);
  });

  it('sees what a writer that still holds the store open committed, and creates or removes no file', () => {
    const writer = new Database(join(folder, 'study.sqlite'));
    try {
      writer.pragma('journal_mode = WAL');
      writer.exec(
        `INSERT INTO runs SELECT 'extra', 99, device, pruning, strategy, 7, run_seed, pruned_size, recall, best_gd,
          best_igd_plus, r2, front_loss, allowed, archs, trace, igd_trace, elapsed_ms FROM runs WHERE idx = 0`,
      );
      const files = folderState(folder);
      expect(Object.keys(files)).toEqual(['study.json', 'study.sqlite', 'study.sqlite-shm', 'study.sqlite-wal']);
      const sig = storeSignature(folder);
      const { store, sig: read } = openSnapshot(folder);
      try {
        expect(read).toBe(sig);
        expect(store.runCount()).toBe(3);
        expect(store.loadRuns().map((r) => r.seed)).toEqual([0, 1, 7]);
      } finally {
        store.close();
      }
      expect(folderState(folder)).toEqual(files);
      // The writer is not blocked: it commits again at once, and the next snapshot has it.
      writer.exec("DELETE FROM runs WHERE key = 'extra'");
      expect(storeSignature(folder)).not.toBe(sig);
      const again = openSnapshot(folder).store;
      expect(again.runCount()).toBe(2);
      again.close();
    } finally {
      writer.close();
    }
    expect(Object.keys(folderState(folder))).toEqual(['study.json', 'study.sqlite']);
  });
});
