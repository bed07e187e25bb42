"""Peer for bench/search.bench.ts: multi-objective regularized (aging) evolution written with DEAP.

Same algorithm as hwnas's `re` strategy: P random architectures, then each cycle draws S population
members with replacement, takes the parent with DEAP's selNSGA2 (non-dominated rank, then crowding
distance), mutates one decision to a different choice, evaluates the child from the table, appends it and
removes the oldest. Reads the table written by the bench (float64 rows of m objectives, minimised).

usage: deap_re.py TABLE.f64 RADIX(e.g. 45,45,45) M EVALS P S SEED   -> prints one JSON line
"""
import collections
import json
import random
import sys
import time

import numpy as np
from deap import base, creator, tools


def main():
    path, radix_s, m_s, evals_s, p_s, s_s, seed_s = sys.argv[1:8]
    radix = [int(x) for x in radix_s.split(",")]
    m, evals, P, S, seed = int(m_s), int(evals_s), int(p_s), int(s_s), int(seed_s)
    table = np.fromfile(path, dtype=np.float64).reshape(-1, m)
    rows = table.tolist()  # plain floats: what a DEAP user would evaluate from
    stride = [1]
    for r in radix[:-1]:
        stride.append(stride[-1] * r)
    rng = random.Random(seed)

    creator.create("FitnessMin", base.Fitness, weights=(-1.0,) * m)
    creator.create("Individual", list, fitness=creator.FitnessMin)

    def evaluate(ind):
        index = sum(c * s for c, s in zip(ind, stride))
        ind.fitness.values = rows[index]
        return index

    def mutate(parent):
        child = creator.Individual(parent)
        d = rng.randrange(len(radix))
        c = rng.randrange(radix[d] - 1)
        child[d] = c if c < parent[d] else c + 1
        return child

    t0 = time.perf_counter()
    population = collections.deque()
    seen = set()
    for _ in range(P):
        ind = creator.Individual(rng.randrange(r) for r in radix)
        seen.add(evaluate(ind))
        population.append(ind)
    done = P
    while done < evals:
        sample = [population[rng.randrange(len(population))] for _ in range(S)]
        parent = tools.selNSGA2(sample, 1)[0]
        child = mutate(parent)
        seen.add(evaluate(child))
        population.append(child)
        population.popleft()
        done += 1
    dt = time.perf_counter() - t0
    print(json.dumps({"evals": evals, "seconds": dt, "unique": len(seen)}))


if __name__ == "__main__":
    main()
