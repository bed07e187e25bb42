/**
 * `--early-stop asha[:eta=3,min=1,max=<budget>]` (docs/distributed.md, "Early stopping"): the option text
 * as an ASHA configuration. `max` defaults to the search's `--budget`: a number, or the `epochs` of a
 * JSON object (or its only numeric field).
 */
import { fail } from '../errors.js';
import { type AshaConfig, checkAshaConfig } from './asha.js';

export interface EarlyStop extends AshaConfig {
  kind: 'asha';
}

const HINT = 'e.g. --early-stop asha or --early-stop asha:eta=3,min=1,max=9';

/** The fidelity of a full evaluation read from --budget, when it says one. */
function budgetMax(budget: unknown): number | undefined {
  if (typeof budget === 'number') return budget;
  if (budget === null || typeof budget !== 'object' || Array.isArray(budget)) return undefined;
  const o = budget as Record<string, unknown>;
  if (typeof o.epochs === 'number') return o.epochs;
  const nums = Object.values(o).filter((v): v is number => typeof v === 'number');
  return nums.length === 1 ? nums[0] : undefined;
}

export function parseEarlyStop(text: string, budget: unknown): EarlyStop {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (kind !== 'asha') fail(`--early-stop: unknown method '${kind}'`, `the method is asha; ${HINT}`);
  const given: Partial<Record<'eta' | 'min' | 'max', number>> = {};
  const rest = colon < 0 ? '' : text.slice(colon + 1).trim();
  for (const part of rest === '' ? [] : rest.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key !== 'eta' && key !== 'min' && key !== 'max')
      fail(`--early-stop asha: unknown setting '${key}'`, `the settings are eta, min and max; ${HINT}`);
    const v = Number(value);
    if (value === '' || !Number.isFinite(v)) fail(`--early-stop asha: ${key} must be a number, got '${value}'`, HINT);
    if (given[key] !== undefined) fail(`--early-stop asha: ${key} is given twice`, HINT);
    given[key] = v;
  }
  const max = given.max ?? budgetMax(budget);
  if (max === undefined)
    fail(
      '--early-stop asha needs the fidelity of a full evaluation',
      'give max=<epochs>, e.g. --early-stop asha:max=9, or a --budget that says it (--budget 9 or \'{"epochs": 9}\')',
    );
  const c: EarlyStop = { kind: 'asha', eta: given.eta ?? 3, min: given.min ?? 1, max };
  checkAshaConfig(c);
  return c;
}
