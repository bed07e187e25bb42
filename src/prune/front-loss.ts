/**
 * Why a pruned space lost the true front: which of the removed blocks the true front's architectures use,
 * and where on the front the lost ones sit (its fastest or its most accurate half). Plain data, with
 * choice names, so a study can store it and the report can print it without the space at hand.
 */
import type { AllowedChoices } from '../space/allowed.js';
import { mixedRadixDecode } from '../space/types.js';

/** Below this front recall the audit explains the loss (a pruned space that keeps half the front needs no excuse). */
export const LOSS_NOTE_RECALL = 0.5;

export interface RemovedChoiceUse {
  /** Choice name (the same name on several decisions counts once, e.g. NB201's `skip_connect`). */
  choice: string;
  /** Decisions where that choice was removed, and decisions that have it at all. */
  removedOn: number;
  decisions: number;
  /** (front architecture, decision) pairs that use the choice where it was removed. */
  uses: number;
  /** Front architectures that use it at least once where it was removed. */
  architectures: number;
}

export interface FrontLoss {
  frontSize: number;
  /** True-front architectures inside the pruned space. */
  kept: number;
  /** Removed choices the true front uses, most used first (architectures, then uses, then name). */
  used: RemovedChoiceUse[];
  /** The front split by latency: lost ones among its faster half (ceil) and its more accurate half. */
  fastHalf: number;
  fastLost: number;
  accurateHalf: number;
  accurateLost: number;
}

export interface FrontLossInput {
  allowed: AllowedChoices;
  /** Choice names per decision (radix = their counts). */
  choices: readonly (readonly string[])[];
  /** True-front architecture indices. */
  front: ArrayLike<number>;
  /** Latency of an architecture (orders the front: the fast half is the lower one). */
  latencyOf: (arch: number) => number;
}

export function frontLoss(input: FrontLossInput): FrontLoss {
  const { allowed, choices, front } = input;
  const radix = choices.map((c) => c.length);
  const kept = allowed.map((codes, d) => {
    const mask = new Uint8Array(radix[d]!);
    for (const c of codes) mask[c] = 1;
    return mask;
  });
  const byName = new Map<string, RemovedChoiceUse>();
  const entry = (name: string) => {
    let e = byName.get(name);
    if (!e) {
      e = { choice: name, removedOn: 0, decisions: 0, uses: 0, architectures: 0 };
      byName.set(name, e);
    }
    return e;
  };
  choices.forEach((names, d) => {
    names.forEach((name, c) => {
      const e = entry(name);
      e.decisions++;
      if (kept[d]![c] === 0) e.removedOn++;
    });
  });
  // front ordered fastest first; ties by index, so the halves do not depend on the caller's order
  const order = Array.from(front).sort((a, b) => input.latencyOf(a) - input.latencyOf(b) || a - b);
  const fastHalf = Math.ceil(order.length / 2);
  let keptCount = 0;
  let fastLost = 0;
  let accurateLost = 0;
  const codes: number[] = [];
  order.forEach((arch, rank) => {
    mixedRadixDecode(arch, radix, codes);
    const touched = new Set<string>();
    codes.forEach((c, d) => {
      if (kept[d]![c] === 1) return;
      const name = choices[d]![c]!;
      entry(name).uses++;
      touched.add(name);
    });
    for (const name of touched) entry(name).architectures++;
    if (touched.size === 0) keptCount++;
    else if (rank < fastHalf) fastLost++;
    else accurateLost++;
  });
  const used = [...byName.values()]
    .filter((e) => e.uses > 0)
    .sort(
      (a, b) =>
        b.architectures - a.architectures ||
        b.uses - a.uses ||
        (a.choice < b.choice ? -1 : a.choice > b.choice ? 1 : 0),
    );
  return {
    frontSize: order.length,
    kept: keptCount,
    used,
    fastHalf,
    fastLost,
    accurateHalf: order.length - fastHalf,
    accurateLost,
  };
}

/**
 * One sentence: "keeps 2 of 30 true-front architectures; it removed none on every decision (used by 18
 * front architectures), ...; it lost 15 of the front's 15 fastest and 13 of its 15 most accurate".
 * At most `limit` choices are named; the rest are counted.
 */
export function frontLossText(loss: FrontLoss, limit = 4): string {
  const where = (u: RemovedChoiceUse) =>
    u.removedOn === u.decisions
      ? u.decisions === 1
        ? ''
        : ' on every decision'
      : ` on ${u.removedOn} of ${u.decisions} decisions`;
  const named = loss.used
    .slice(0, limit)
    .map(
      (u) =>
        `${u.choice}${where(u)} (used by ${u.architectures} front architecture${u.architectures === 1 ? '' : 's'})`,
    );
  const more = loss.used.length - named.length;
  if (more > 0) named.push(`${more} more`);
  const head = `keeps ${loss.kept} of ${loss.frontSize} true-front architectures`;
  if (named.length === 0) return head;
  const lost =
    loss.fastLost === loss.fastHalf && loss.accurateLost === loss.accurateHalf
      ? "the front's fastest and most accurate architectures are lost alike"
      : `it lost ${loss.fastLost} of the front's ${loss.fastHalf} fastest and ${loss.accurateLost} of its ${loss.accurateHalf} most accurate`;
  return `${head}; it removed ${named.join(', ')}; ${lost}`;
}
