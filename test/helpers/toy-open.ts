/** The toy closed table of test/fixtures/evaluators in the forms the distributed tests need. */
import { join } from 'node:path';
import { ColumnsEvaluator } from '../../src/distributed/evaluator.js';
import type { ObjectiveSpec } from '../../src/distributed/types.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import { paretoFrontIndices } from '../../src/pareto/index.js';
import { pickRows } from '../../src/problem/index.js';
import { toyAccuracy, toyLatency } from '../fixtures/evaluators/toy-table.mjs';
import { repoRoot } from './cli.js';

export const toyProgram = join(repoRoot, 'test/fixtures/evaluators/toy.mjs');
export const toySpecs: ObjectiveSpec[] = [
  { name: 'accuracy', direction: 'max' },
  { name: 'latency', direction: 'min' },
];

export function toyColumns(n: number): ObjectiveColumn[] {
  const acc = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    acc[i] = toyAccuracy(i);
    lat[i] = toyLatency(i);
  }
  return [
    { name: 'accuracy', source: 'toy:accuracy', direction: 'max', unit: '%', values: acc },
    { name: 'latency', source: 'toy:latency', direction: 'min', unit: 'ms', values: lat },
  ];
}

export function toyEvaluator(n: number): ColumnsEvaluator {
  return new ColumnsEvaluator(toyColumns(n));
}

/** Minimised table (n x 2) for runClosed. */
export function toyTable(n: number): Float64Array {
  const t = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    t[2 * i] = -toyAccuracy(i);
    t[2 * i + 1] = toyLatency(i);
  }
  return t;
}

/** Sorted distinct architectures of the non-dominated set among `archs`. */
export function frontOf(archs: Iterable<number>, table: Float64Array): number[] {
  const distinct = [...new Set(archs)];
  return Array.from(paretoFrontIndices(pickRows(table, 2, distinct), 2), (k) => distinct[k]!).sort((a, b) => a - b);
}
