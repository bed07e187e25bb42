/**
 * Pruning for open problems (`open-search --pruning SPEC --pruning-source SRC`): the blocks are scored
 * before the search from a source with per-block values (a device model `model:`, a look-up table `lut:`,
 * a few-shot fit `fit:`) or from a per-architecture table the additive fit can estimate them from, so no
 * evaluation is spent on it. The coordinator prunes; workers evaluate what they are asked, as before.
 */
import { fail, HwnasError } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { type AdaptiveRule, type PruningSpec, parsePruningSpec, pruneSpace } from '../prune/index.js';
import { SOFT_STRATEGIES } from '../search/index.js';
import type { SearchSpace } from '../space/types.js';

export interface OpenPruning {
  /** Canonical setting, as in a study (`adaptive:latency@0.7:stall=100,step=all`). */
  spec: string;
  source: string | null;
  allowed: number[][];
  removed: number[][];
  size: number;
  adaptive: AdaptiveRule | null;
}

/** Metrics that score blocks without latency. */
const NO_LATENCY = new Set(['params', 'random']);

export async function openPruning(
  space: SearchSpace,
  text: string,
  sourceSpec: string | undefined,
  strategy: string,
  seed: number,
): Promise<OpenPruning | null> {
  const setting: PruningSpec = parsePruningSpec(text);
  if (setting.metric === null) {
    if (sourceSpec !== undefined) fail('--pruning-source needs a --pruning setting other than none');
    return null;
  }
  if (setting.adaptive?.soft && !SOFT_STRATEGIES.includes(strategy))
    fail(
      `soft pruning acts through mutation, which ${strategy} does not use`,
      `use --strategy ${SOFT_STRATEGIES.join(' or ')}, or a restore rule (after, every, stall)`,
    );
  const needsLatency = !NO_LATENCY.has(setting.metric);
  if (needsLatency && sourceSpec === undefined)
    fail(
      `--pruning ${setting.spec} scores blocks by latency: it needs --pruning-source (or a model:, lut: or fit: --objective)`,
      'e.g. --pruning-source model:cortex-m7, lut:blocks.csv or fit:measured.csv',
    );
  let latency: ObjectiveColumn | undefined;
  if (sourceSpec !== undefined) {
    latency = await resolveSource(sourceSpec, { space, quiet: true, allowMissing: true });
    if (!latency.blockValue && needsLatency) {
      // a per-architecture source: block values only through the additive fit, which needs its rows
      let finite = 0;
      for (const v of latency.values) if (Number.isFinite(v)) finite++;
      if (finite === 0)
        fail(
          `--pruning-source ${sourceSpec} has no per-block values and no values to fit them from`,
          'use a source with block values: model:<device>, lut:<file.csv> or fit:<file.csv>',
        );
    }
  }
  try {
    const r = pruneSpace({ space, latency, metric: setting.metric, ratio: setting.ratio, seed });
    return {
      spec: setting.spec,
      source: sourceSpec ?? null,
      allowed: r.allowed,
      removed: r.removed,
      size: r.size,
      adaptive: setting.adaptive,
    };
  } catch (e) {
    if (e instanceof HwnasError && latency && !latency.blockValue)
      fail(
        `--pruning-source ${sourceSpec} has no per-block values and its table cannot be fitted: ${e.message}`,
        'use a source with block values: model:<device>, lut:<file.csv> or fit:<file.csv>',
      );
    throw e;
  }
}
