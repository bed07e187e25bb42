/**
 * Sources used in the wrong role would silently optimise the wrong thing: an accuracy passed as a latency
 * (maximised), or a latency in ms passed as the accuracy. Every command that takes both checks them here.
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn } from './types.js';

/** A latency source must be minimised. `flag` names the option in the message (`--latency`, `--devices`). */
export function checkLatencySource(col: ObjectiveColumn, flag = '--latency'): void {
  if (col.direction === 'min') return;
  const tableHint = col.source.startsWith('table:') ? ', or mark a table column with #<column>:min' : '';
  fail(`${flag} ${col.source} is maximised, not a latency`, `use e.g. model:cortex-m7 or help:pixel3${tableHint}`);
}

/** An accuracy may be minimised (an error rate), but not a latency in ms. */
export function checkAccuracySource(col: ObjectiveColumn, flag = '--accuracy'): void {
  if (col.unit !== 'ms') return;
  fail(`${flag} ${col.source} is a latency (ms), not an accuracy`, 'use e.g. nb201:cifar100 or blox:test_top1');
}
