/**
 * The runs of a study: one per (device, pruning, strategy, seed), in a fixed order. Each run's random
 * streams derive from its stable key (never from its position or the worker that runs it), so results do
 * not depend on scheduling or on which other runs are in the study.
 */
import { mixSeed } from '../rng.js';
import type { StudyConfig } from './config.js';

export interface RunSpec {
  /** Position in the study's fixed order (device, pruning, strategy, seed). */
  index: number;
  /** `device|pruning|strategy|seed`: the store's primary key. */
  key: string;
  device: number;
  pruning: number;
  strategy: number;
  seed: number;
  /** Seed handed to the search strategy. */
  runSeed: number;
  /** Seed handed to the pruner (only random pruning uses it: a fresh random space per seed). */
  pruneSeed: number;
}

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a key. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export function runKey(device: string, pruning: string, strategy: string, seed: number): string {
  return `${device}|${pruning}|${strategy}|${seed}`;
}

export function enumerateRuns(c: StudyConfig): RunSpec[] {
  const runs: RunSpec[] = [];
  for (let d = 0; d < c.devices.length; d++) {
    for (let p = 0; p < c.pruning.length; p++) {
      for (let s = 0; s < c.strategies.length; s++) {
        for (const seed of c.seeds) {
          const device = c.devices[d]!;
          const pruning = c.pruning[p]!;
          const strategy = c.strategies[s]!;
          runs.push({
            index: runs.length,
            key: runKey(device, pruning, strategy, seed),
            device: d,
            pruning: p,
            strategy: s,
            seed,
            runSeed: mixSeed(seed, stringHash(`run|${device}|${pruning}|${strategy}`)),
            pruneSeed: mixSeed(seed, stringHash(`prune|${device}|${pruning}`)),
          });
        }
      }
    }
  }
  return runs;
}
