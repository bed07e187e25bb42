/**
 * Pruning audit on a closed benchmark: how much of the true Pareto front survives pruning (front recall),
 * and how close the pruned space's own best front is to the true one (the GD any search confined to the
 * pruned space converges to at best), and the IGD+ of that front for coverage. GD is the original form, both fronts normalised by the true front's
 * ideal and nadir, as in the search checkpoints. IGD+ is the floor a search in the pruned space can reach;
 * GD is not (it is not Pareto-compliant: a search that finds one true-front point has GD 0).
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { gd, igdPlus, normalizationFromFront, normalize } from '../pareto/index.js';
import { closedProblem, pickRows, trueFront } from '../problem/index.js';
import type { AllowedChoices } from '../space/allowed.js';
import { AllowedSpace } from '../space/allowed.js';
import { radices, type SearchSpace } from '../space/types.js';
import { type FrontLoss, frontLoss } from './front-loss.js';

/** Every architecture index of the pruned space, ascending. */
export function prunedIndices(allowed: AllowedChoices, radix: readonly number[]): Int32Array {
  return new AllowedSpace(radix, allowed).indices();
}

export interface FrontRecallInput {
  allowed: AllowedChoices;
  radix: readonly number[];
  /** Objectives of the whole space (n x m, minimised); rows with non-finite values are ignored. */
  objectives: Float64Array;
  m: number;
  /** The true front (architecture indices) of the whole space (of its feasible part, with `feasible`). */
  front: Int32Array;
  /** Only architectures with 1 here count (constraints, covered rows): the pruned front is taken among them. */
  feasible?: Uint8Array;
}

export interface FrontRecall {
  /** Share of the true front's architectures inside the pruned space. */
  recall: number;
  /** GD (original) of the pruned space's best front to the true front; 0 when recall is 1. */
  bestGd: number;
  /**
   * IGD+ of the pruned space's best front to the true front: coverage, which GD misses (a pruned front
   * that keeps one true-front point has GD 0).
   */
  bestIgdPlus: number;
  /** Architectures on the pruned space's own front. */
  prunedFront: Int32Array;
}

export function frontRecall(input: FrontRecallInput): FrontRecall {
  const { allowed, radix, objectives, m, front } = input;
  const space = new AllowedSpace(radix, allowed);
  let kept = 0;
  for (const a of front) if (space.contains(a)) kept++;
  let among = space.indices();
  if (input.feasible) {
    const mask = input.feasible;
    among = among.filter((i) => mask[i] === 1);
    if (among.length === 0)
      fail('no feasible architecture is left in the pruned space', 'prune less, or relax the constraints');
  }
  const prunedFront = trueFront(objectives, m, among);
  const Z = pickRows(objectives, m, front);
  const norm = normalizationFromFront(Z, m);
  const A = normalize(pickRows(objectives, m, prunedFront), m, norm);
  const Zn = normalize(Z, m, norm);
  const bestGd = gd(A, Zn, m, 'original');
  const bestIgdPlus = igdPlus(A, Zn, m);
  return { recall: front.length > 0 ? kept / front.length : 1, bestGd, bestIgdPlus, prunedFront };
}

export interface PruneAudit {
  recall: number;
  bestGd: number;
  bestIgdPlus: number;
  frontSize: number;
  prunedFrontSize: number;
  /** Architectures with a value for both objectives (the front is exact over these). */
  rows: number;
  /** Which removed blocks the true front uses (text output only; `--json` keeps its fields). */
  frontLoss: FrontLoss;
}

/** The audit of a pruning on the closed problem of an accuracy and a latency source (`hwnas prune --accuracy`). */
export function auditPruning(
  space: SearchSpace,
  result: { allowed: AllowedChoices },
  accuracy: ObjectiveColumn,
  latency: ObjectiveColumn,
): PruneAudit {
  const problem = closedProblem(space, { accuracy, latency });
  const { objectives, m, front } = problem;
  const r = frontRecall({ allowed: result.allowed, radix: radices(space), objectives, m, front });
  return {
    recall: r.recall,
    bestGd: r.bestGd,
    bestIgdPlus: r.bestIgdPlus,
    frontSize: front.length,
    prunedFrontSize: r.prunedFront.length,
    rows: problem.coveredCount,
    frontLoss: frontLoss({
      allowed: result.allowed,
      choices: space.decisions.map((d) => d.choices),
      front,
      latencyOf: (a) => objectives[a * m + 1]!,
    }),
  };
}
