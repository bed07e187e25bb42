/**
 * Pruning for open searches: blocks scored from a block source (no evaluation spent), the refusals (no
 * source, a source without block values that cannot be fitted, soft pruning without mutation), and resume:
 * an adaptive search stopped and resumed from its history gives the tells of an uninterrupted run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAsyncSearch } from '../../src/distributed/async-search.js';
import { LocalDispatcher } from '../../src/distributed/dispatch.js';
import { openPruning } from '../../src/distributed/pruning.js';
import type { HwnasError } from '../../src/errors.js';
import '../../src/objectives/all.js';
import { adaptiveScheduleOf, createPrunedStrategy, runClosed, type Strategy } from '../../src/search/index.js';
import { getSpace } from '../../src/space/all.js';
import { radices } from '../../src/space/types.js';
import { asyncErrorOf } from '../helpers/errors.js';
import { writePartialTables } from '../helpers/partial-tables.js';
import { toyEvaluator, toySpecs, toyTable } from '../helpers/toy-open.js';

const space = getSpace('nb201');
const n = space.size;
const table = toyTable(n);
const evaluator = toyEvaluator(n);
const tmp = mkdtempSync(join(tmpdir(), 'hwnas-open-prune-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const line = async (f: () => Promise<unknown>) => ((await asyncErrorOf(f)) as HwnasError).line();

describe('open-search pruning', () => {
  it('scores blocks from a device model: the pruned space, the removal order, the rule', async () => {
    const p = (await openPruning(space, 'adaptive:latency@0.7:every=50', 'model:cortex-m7', 're', 0))!;
    expect(p.spec).toBe('adaptive:latency@0.7:every=50,step=1');
    expect(p.size).toBe(2 ** 6);
    expect(p.allowed.every((a) => a.length === 2)).toBe(true);
    expect(p.removed.every((r) => r.length === 3)).toBe(true);
    expect(await openPruning(space, 'none', undefined, 're', 0)).toBeNull();
    // params needs no latency source
    expect((await openPruning(space, 'params@0.5', undefined, 're', 0))!.size).toBe(3 ** 6);
  });

  it('refuses a latency metric without a source, a source that cannot be fitted, soft pruning without mutation', async () => {
    expect(await line(() => openPruning(space, 'adaptive:latency@0.7', undefined, 're', 0))).toMatch(
      /needs --pruning-source/,
    );
    // 3 measured architectures: too few for the additive fit of 25 block values
    const few = join(tmp, 'few.csv');
    writeFileSync(few, 'index,ms\n0,1.5\n1,2\n2,2.5\n');
    const msg = await line(() => openPruning(space, 'adaptive:latency@0.7', `table:${few}#ms`, 're', 0));
    expect(msg).toMatch(/has no per-block values and its table cannot be fitted/);
    expect(msg).not.toMatch(/\n/);
    const { part } = writePartialTables(tmp);
    expect(await line(() => openPruning(space, 'adaptive:latency@0.7', `table:${part}#ms`, 're', 0))).toMatch(
      /cannot be fitted/,
    );
    expect(await line(() => openPruning(space, 'adaptive:latency@0.7:soft=0.1', 'model:cortex-m7', 'ls', 0))).toMatch(
      /soft pruning acts through mutation, which ls does not use/,
    );
    expect(await line(() => openPruning(space, 'adaptive:latency@0.7:stall=-3', 'model:cortex-m7', 're', 0))).toMatch(
      /'stall' must be a positive integer/,
    );
    expect(await line(() => openPruning(space, 'none', 'model:cortex-m7', 're', 0))).toMatch(
      /needs a --pruning setting/,
    );
  });

  it('resumes an adaptive search from its history: the tells of an uninterrupted run, restores included', async () => {
    const p = (await openPruning(space, 'adaptive:latency@0.7:stall=10,soft=0.1', 'model:cortex-m7', 're', 0))!;
    let last: Strategy | undefined;
    const create = () => {
      last = createPrunedStrategy(
        're',
        { radix: radices(space), objectives: 2, seed: 3, population: 20, sample: 5, allowed: p.allowed },
        { rule: p.adaptive!, removed: p.removed },
      );
      return last;
    };
    const opts = {
      space,
      createStrategy: create,
      objectives: toySpecs,
      evals: 150,
      concurrency: 1,
      seed: 3,
      historyPath: join(tmp, 'history.jsonl'),
      config: { strategy: 're', pruning: p.spec, pruningSource: p.source },
    };
    const ac = new AbortController();
    let seen = 0;
    const first = await runAsyncSearch({
      ...opts,
      dispatcher: new LocalDispatcher(evaluator),
      signal: ac.signal,
      onTell: () => {
        if (++seen === 70) ac.abort();
      },
    });
    expect(first.tells.length).toBe(70);
    const second = await runAsyncSearch({ ...opts, dispatcher: new LocalDispatcher(evaluator) });
    expect(second.replayed).toBe(70);
    const resumedEvents = adaptiveScheduleOf(last!)!.events;
    const sync = create();
    const whole = runClosed(sync, table, 2, 150);
    expect(second.tells.map((t) => t.arch)).toEqual(Array.from(whole.archs));
    expect(resumedEvents).toEqual(adaptiveScheduleOf(sync)!.events);
    expect(resumedEvents.length).toBeGreaterThan(0);
    // another pruning setting is another search
    await expect(
      runAsyncSearch({
        ...opts,
        config: { ...opts.config, pruning: 'latency@0.7' },
        dispatcher: new LocalDispatcher(evaluator),
      }),
    ).rejects.toThrow(/belongs to a different search/);
  });
});
