#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make generate-baseline: baseline from TRAINING_DATA, or from generated
# sample data when TRAINING_DATA is empty.
set -euo pipefail
DM=$1 model=$2 version=$3 data=${4:-}
store=${DRIFTMON_STORE:-./driftmon-data}
if [ -z "$data" ]; then
	data="$store/training-data/$model/train.parquet"
	if [ ! -s "$data" ]; then
		echo "No TRAINING_DATA given: generating sample data in $data"
		"$DM" synth --model "$model" --version "$version" --training "$data"
	fi
fi
exec "$DM" baseline --model "$model" --version "$version" --input "$data"
