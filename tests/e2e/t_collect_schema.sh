#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A declared collector schema (--schema FILE) is read strictly: an
# unknown key, at the top or in a column, is an error naming it (a typo
# such as "rol" must not be ignored), before anything listens.
. "$(dirname "$0")/lib.sh"

printf '{"columns": [{"name": "a", "type": "number"}], "colums": []}\n' >"$T/top.json"
run collect --listen 127.0.0.1:0 --wal-dir "$T/wal" --store "$T/store" --schema "$T/top.json"
expect_err "unknown top-level key" 2 "^driftmon: schema '$T/top\.json': unknown key 'colums' \(expected \"columns\"\)$"

printf '{"columns": [{"name": "a", "type": "number"}, {"name": "p", "type": "number", "rol": "prediction"}]}\n' >"$T/col.json"
run collect --listen 127.0.0.1:0 --wal-dir "$T/wal" --store "$T/store" --schema "$T/col.json"
expect_err "unknown column key" 2 "^driftmon: schema '$T/col\.json': column 2: unknown key 'rol' \(expected \"name\", \"type\", \"role\"\)$"
check "nothing listened, nothing written" test ! -e "$T/store"
finish
