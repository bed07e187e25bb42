/** The poster's checkpoints (evaluations) at which a closed-benchmark run reports its convergence. */
export const posterCheckpoints: readonly number[] = [10, 100, 250, 500, 1000, 2000, 3000];
