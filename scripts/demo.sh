#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make demo: sample training data and a day of inference logs with drift
# -> baseline -> drift detection -> the DRIFT DETECTION SUMMARY.
set -euo pipefail
DM=${1:-build/driftmon}
store=${DRIFTMON_STORE:-./driftmon-data}
model=${MODEL_NAME:-spam-detector}
version=${MODEL_VERSION:-v1}
export DRIFTMON_STORE=$store

echo "== 1. Sample data (training + 24 hours of inference logs with drift)"
"$DM" synth --model "$model" --version "$version" --rows 20000 \
	--hours 24 --rows-per-hour 500 --scenario mean-shift --magnitude 0.5 \
	--drift-features 8 --seed 42
echo
echo "== 2. Baseline from the training data"
"$DM" baseline --model "$model" --version "$version" \
	--input "$store/training-data/$model/train.parquet"
echo
echo "== 3. Drift detection over the last 24 hours"
# hour profiles of an earlier demo run were made against the baseline
# just replaced: detect would rebuild each with a warning
case $store in
*://*) ;;
*) rm -rf "$store/profiles/$model/$version" ;;
esac
"$DM" detect --model "$model" --version "$version"
