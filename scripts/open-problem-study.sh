#!/usr/bin/env bash
# The open-problem study of docs/open-problems.md: open-search on examples/fmnist-m7.json with the real
# trainer (examples/train/train.py --warm: 1 epoch, batch 32, on a fixed 256-image Fashion-MNIST subset, 500
# test images: a few seconds of CPU per evaluation),
# latency from model:cortex-m7, --constraint fits:cortex-m7, --concurrency 2, for three settings (no
# pruning, latency@0.5, params/latency@0.7) x SEEDS seeds x EVALS evaluations, seed by seed, so a study
# cut short holds whole seeds of every setting; each run resumes when the script is rerun.
# Then `npx tsx scripts/open-problem-summary.ts OUT` tabulates HV and front size over seeds.
#
#   scripts/open-problem-study.sh /tmp/study14            # SEEDS="0 1 2" EVALS=100 by default
set -euo pipefail
out=${1:?usage: scripts/open-problem-study.sh OUT_DIR}
seeds=${SEEDS:-0 1 2}
evals=${EVALS:-100}
budget=${BUDGET:-'{"epochs": 1, "train": 256, "test": 500, "batch": 32}'}
cd "$(dirname "$0")/.."
mkdir -p "$out"
for job in $(for s in $seeds; do echo "none:$s latency-0.5:$s params-latency-0.7:$s"; done); do
  setting=${job%%:*}
  seed=${job##*:}
  {
    case $setting in
      none) prune=() ;;
      params-latency-0.7) prune=(--pruning params/latency@0.7) ;;
      latency-0.5) prune=(--pruning latency@0.5) ;;
    esac
    dir="$out/$setting/seed$seed"
    mkdir -p "$out/$setting"
    echo "$(date -u +%H:%M:%S) $setting seed $seed" >&2
    node --import tsx src/cli/run.ts open-search --space examples/fmnist-m7.json \
      --evaluator "/usr/bin/python3 examples/train/train.py --warm" --objective model:cortex-m7 \
      --objectives accuracy:max,latency:min --constraint fits:cortex-m7 "${prune[@]}" \
      --budget "$budget" --timeout 600 --concurrency 2 --evals "$evals" --seed "$seed" \
      --out "$dir" --no-report --quiet
  }
done
