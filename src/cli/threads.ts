/**
 * `--threads` above this machine's core count (os.availableParallelism) is capped with one note on
 * stderr: more threads than cores only contend for them (a study's results never depend on the thread
 * count, and ONNX Runtime would time the contention), while each worker costs memory.
 */
import { availableParallelism } from 'node:os';

export function capThreads(flag: string, requested: number, why: string): number {
  const cores = Math.max(1, availableParallelism());
  if (requested <= cores) return requested;
  process.stderr.write(
    `hwnas: note: ${flag} ${requested} is more than the ${cores} core${cores === 1 ? '' : 's'} of this machine: using ${cores} (${why})\n`,
  );
  return cores;
}
