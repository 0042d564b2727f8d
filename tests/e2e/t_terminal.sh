#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Names from data reach a person's terminal escaped: a CSV header with
# escape sequences (clear screen, colours, window title, bell), C1
# controls and a bidi override never comes out raw in the summaries of
# compare and detect, status, history, list, or error messages.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
ESC=$'\e[2J\e[1;31mPWNED\e]0;TITLE\a'
C1=$'c1\xc2\x9b31m\xc2\x85'
BIDI=$'exe\xe2\x80\xaetxt.sh'
{
	printf 'id,%s,%s,%s\n' "$ESC" "$C1" "$BIDI"
	for i in $(seq 1 400); do echo "$i,$((i % 5)),k$((i % 3)),$((i % 7))"; done
} >"$D/train.csv"
{
	printf 'id,%s,%s,%s\n' "$ESC" "$C1" "$BIDI"
	for i in $(seq 1 400); do echo "$i,$((i % 5 + 9)),z$((i % 4)),$((i % 7 + 20))"; done
} >"$D/cur.csv"

# raw_free NAME: neither stdout nor stderr of the last run holds ESC, BEL,
# NUL, a C1 control or a bidi override.
raw_free() {
	if printf '%s%s' "$out" "$err" | LC_ALL=C grep -qP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'; then
		not_ok "$1: raw control characters in the output: $(printf '%s%s' "$out" "$err" | cat -v | head -5)"
	else
		ok
	fi
}

run compare --reference "$D/train.csv" --current "$D/cur.csv"
expect "compare finds the drift" 0 'Overall drift detected: YES'
raw_free "compare summary"
expect "compare shows the name escaped" 0 '\\e\[2J\\e\[1;31mPWNED\\e\]0;TITLE\\x07'
expect "compare shows the C1 escaped" 0 'c1\\u009b31m\\u0085'
expect "compare shows the bidi override escaped" 0 'exe\\u202etxt\.sh'

run baseline --model m --version v1 --input "$D/train.csv"
expect "baseline" 0
raw_free "baseline output"
run detect --model m --version v1 --input "$D/cur.csv"
expect "detect finds the drift" 0 'Overall drift detected: YES'
raw_free "detect summary"
run status
expect "status" 0
raw_free "status"
run history --model m
expect "history" 0
raw_free "history"
run list reports
raw_free "list reports"

# Errors that name a column.
run baseline --model m --version v2 --input "$D/train.csv" --features "id,x$ESC"
expect "error naming a hostile column" 1 "PWNED"
raw_free "error naming a hostile column"
run compare --reference "$D/train.csv" --current "$D/cur.csv" --categorical "x$ESC"
raw_free "compare error naming a hostile column"
finish
