/**
 * A closed problem from what a command is given: a space name, an accuracy and a latency source spec and
 * constraint texts. Resolves the sources, checks each is used in its role, and builds the problem.
 */
import '../objectives/all.js';
import { resolveSource } from '../objectives/all.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import { parseConstraints } from './constraints.js';
import '../space/all.js';
import { getSpace } from '../space/all.js';
import { type ClosedProblem, type ClosedProblemOptions, closedProblem } from './closed.js';

export interface ClosedProblemSpec {
  space: string;
  accuracy: string;
  latency: string;
  constraints?: readonly string[];
  /** Leave out the architectures a source misses instead of failing. */
  allowMissing?: boolean;
  /** Silence progress bars of the sources. */
  quiet?: boolean;
}

export interface LoadOptions extends Pick<ClosedProblemOptions, 'missingHint' | 'latencyFirst'> {
  /**
   * The caller checks coverage itself (a search: over the architectures it searches, so a pruned space
   * may be fully covered by a partial table): sources may miss architectures here.
   */
  coverageByCaller?: boolean;
}

export async function loadClosedProblem(spec: ClosedProblemSpec, opts: LoadOptions = {}): Promise<ClosedProblem> {
  const constraints = parseConstraints(spec.constraints ?? []);
  const space = getSpace(spec.space);
  const allowMissing = spec.allowMissing === true;
  const ctx = { space, quiet: spec.quiet === true, allowMissing: allowMissing || opts.coverageByCaller === true };
  const accuracy = await resolveSource(spec.accuracy, ctx);
  const latency = await resolveSource(spec.latency, ctx);
  checkAccuracySource(accuracy);
  checkLatencySource(latency);
  return closedProblem(
    space,
    { accuracy, latency },
    {
      constraints,
      ...(opts.coverageByCaller ? {} : { allowMissing }),
      ...(opts.missingHint !== undefined ? { missingHint: opts.missingHint } : {}),
      ...(opts.latencyFirst !== undefined ? { latencyFirst: opts.latencyFirst } : {}),
    },
  );
}
