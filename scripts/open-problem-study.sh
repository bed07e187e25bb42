#!/usr/bin/env bash
# The open-problem study of docs/open-problems.md: open-search on examples/fmnist-m7.json with the real
# trainer (examples/train/train.py: 1 epoch on a fixed 512-image Fashion-MNIST subset, 1,000 test images),
# latency from model:cortex-m7, --constraint fits:cortex-m7, --concurrency 2, for three settings (no
# pruning, params/latency@0.7, latency@0.5) x SEEDS seeds x EVALS evaluations. Runs are ordered seed by
# seed, so an interrupted study holds whole seeds of every setting; each run resumes (rerun this script).
# Then `npx tsx scripts/open-problem-summary.ts OUT` tabulates HV and front size over seeds.
#
#   scripts/open-problem-study.sh /tmp/study14            # SEEDS="0 1 2" EVALS=100 by default
set -euo pipefail
out=${1:?usage: scripts/open-problem-study.sh OUT_DIR}
seeds=${SEEDS:-0 1 2}
evals=${EVALS:-100}
budget=${BUDGET:-'{"epochs": 1, "train": 512, "test": 1000}'}
cd "$(dirname "$0")/.."
mkdir -p "$out"
for seed in $seeds; do
  for setting in none params-latency-0.7 latency-0.5; do
    case $setting in
      none) prune=() ;;
      params-latency-0.7) prune=(--prune 0.7 --metric params/latency) ;;
      latency-0.5) prune=(--prune 0.5 --metric latency) ;;
    esac
    dir="$out/$setting/seed$seed"
    mkdir -p "$out/$setting"
    echo "$(date -u +%H:%M:%S) $setting seed $seed" >&2
    node --import tsx src/cli/run.ts open-search --space examples/fmnist-m7.json \
      --evaluator "/usr/bin/python3 examples/train/train.py" --objective model:cortex-m7 \
      --objectives accuracy:max,latency:min --constraint fits:cortex-m7 "${prune[@]}" \
      --budget "$budget" --timeout 600 --concurrency 2 --evals "$evals" --seed "$seed" \
      --out "$dir" --no-report --quiet
  done
done
