/**
 * Pre-search pruning: block metrics, pruning of each decision's worst choices, the additive latency fit
 * for per-architecture tables, and the audit against the true front. See docs/pruning.md.
 */
export {
  type AdaptiveRule,
  AdaptiveSchedule,
  checkAdaptiveRatio,
  DEFAULT_ADAPTIVE_RULE,
  DEFAULT_ADAPTIVE_SETTING,
  formatAdaptiveRule,
  type PruningSpec,
  parseAdaptiveRule,
  parsePruningSpec,
  type RestoreRule,
} from './adaptive.js';
export { type AdditiveFit, fitAdditive } from './additive.js';
export {
  auditPruning,
  type FrontRecall,
  type FrontRecallInput,
  frontRecall,
  type PruneAudit,
  prunedIndices,
} from './audit.js';
export { BlockCosts } from './costs.js';
export { jsonNumber, pruneJson, pruneText } from './describe.js';
export {
  type FrontLoss,
  type FrontLossInput,
  frontLoss,
  frontLossText,
  LOSS_NOTE_RECALL,
  type RemovedChoiceUse,
} from './front-loss.js';
export {
  decisionRanks,
  type EvaluatedSet,
  frontUsageScores,
  getPruneMetric,
  type MetricInput,
  type MetricScores,
  type PruneMetric,
  perLatency,
  preSearchMetricNames,
  pruneMetricNames,
  registerPruneMetric,
} from './metrics.js';
export {
  checkRatio,
  type PruneOptions,
  type PruneResult,
  parseRatioOption,
  pruneSpace,
  removalCount,
} from './prune.js';
