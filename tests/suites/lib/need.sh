# SPDX-License-Identifier: Apache-2.0
# Sourced by the suites (tests/suites/*.sh): installs what a suite needs,
# and the skip policy (tests/README.md):
#
#   A suite that cannot run its real component FAILS, unless the run
#   declared that component optional: DM_OPTIONAL is a comma-separated
#   list (e.g. DM_OPTIONAL=azure,duckdb).  Then, and only then, the
#   suite may stop with exit code 77, which scripts/run-tests.sh counts
#   as "skipped" (never as passed).
#
#   need_apt PKG...           installs missing Debian packages (apt-get as
#                             root; otherwise says the command and fails)
#   need_npm DIR MODULE       node and npm from Debian, then `npm ci` in DIR
#                             unless DIR/node_modules/MODULE is there
#   dm_optional NAME          true if NAME is in DM_OPTIONAL
#   cannot_run SUITE NAME WHY exits 77 (skipped) if NAME is optional,
#                             else prints the failure and exits 1
# On failure need_* leave the reason in NEED_WHY.
NEED_WHY=""
DM_SKIP=77

need_apt() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q '^installed$' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		NEED_WHY="missing Debian packages:$missing (sudo apt-get install -y$missing)"
		return 1
	fi
	echo "installing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1 || true
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
			NEED_WHY="apt-get install$missing failed"
			return 1
		}
	fi
	return 0
}

need_npm() { # DIR MODULE
	local dir=$1 mod=$2 log
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		need_apt nodejs npm || return 1
	fi
	[ -e "$dir/node_modules/$mod" ] && return 0
	echo "installing the npm packages of $dir (npm ci)" >&2
	log=$(mktemp)
	if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
		NEED_WHY="npm ci in $dir failed: $(tail -n 5 "$log" | tr '\n' ' ')"
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
	if [ ! -e "$dir/node_modules/$mod" ]; then
		NEED_WHY="npm ci in $dir did not install $mod"
		return 1
	fi
	return 0
}

dm_optional() { # NAME
	case ",${DM_OPTIONAL:-}," in *",$1,"*) return 0 ;; esac
	return 1
}

cannot_run() { # SUITE NAME WHY
	if dm_optional "$2"; then
		echo "$1: skipped: $3 ($2 is optional in this run: DM_OPTIONAL=${DM_OPTIONAL})"
		exit $DM_SKIP
	fi
	echo "$1: FAIL: cannot run: $3"
	echo "$1: 0 passed, 1 failed"
	exit 1
}
