#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container image and the Kubernetes manifests, checked without a
# cluster or a registry:
#   1. every kustomize overlay renders (kubectl kustomize), and so does the
#      wrapper `make render` builds (namespace, image, model version);
#   2. the rendered objects validate against the Kubernetes API schemas
#      (npm kubernetes-models, plus a strict unknown-field check) and
#      driftmon's policy (no latest tag, resources, non-root, read-only
#      root, seccomp, probes, CronJob limits, Workload Identity in prod);
#      a self-test breaks the manifests on purpose and expects each break
#      to be caught;
#   3. the cluster targets fail fast with one line when kubectl or a
#      cluster is missing, build-images says what engine is missing;
#   4. the image is built offline (binary + its libraries, buildah FROM
#      scratch) into a private container store, and podman runs it
#      (runtime runc, --network none, read-only root, non-root) with
#      exactly the user, env, args, emptyDirs and limits of the rendered
#      CronJobs: --version, synth -> baseline -> detect on sample data
#      mounted in; the collector's /healthz when `driftmon collect` exists;
#      the sharded baseline's Indexed Job (make baseline-sharded-manifest)
#      as three containers side by side, then its merge Job: the merged
#      baseline equals a single-process one (docs/fanout.md).
# Usage: tests/suites/deploy.sh path/to/driftmon
# DM_DEPLOY_DOCKERFILE=1 also builds deploy/docker/Dockerfile with buildah
# against a Debian 12 base made by debootstrap (slow: several minutes).
set -u
[ $# -ge 1 ] || { echo "usage: $0 path/to/driftmon" >&2; exit 2; }
DM=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
MAKE_BIN=$(command -v make)
T=$(mktemp -d "${TMPDIR:-/tmp}/dm-deploy.XXXXXX")
TAG=suite-$$
IMAGE=driftmon:$TAG
STORE=(--storage-driver vfs --root "$T/containers/root" --runroot "$T/containers/run")
RUN=(run --rm --runtime runc --network none --ulimit nofile=1024:1024 --ulimit nproc=1000:1000)
pass=0
fail=0
skip=0
t_start=$(date +%s)

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
skipped() { skip=$((skip + 1)); echo "skipped: $*"; }
check() { # NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
phase() { echo "--- $* ($(($(date +%s) - t_start)) s)"; }

cleanup() {
	if command -v podman >/dev/null 2>&1 && [ -d "$T/containers" ]; then
		podman "${STORE[@]}" rm -af -t 0 >/dev/null 2>&1
		podman "${STORE[@]}" rmi -af >/dev/null 2>&1
	fi
	if command -v buildah >/dev/null 2>&1 && [ -d "$T/containers" ]; then
		buildah "${STORE[@]}" rm --all >/dev/null 2>&1
	fi
	# vfs keeps no mounts, but make sure nothing under $T is mounted.
	grep -o " ${T}[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$T"
}
trap cleanup EXIT

# ---- tools ----------------------------------------------------------------
apt_updated=0
need_apt() { # PACKAGE...: installs the missing ones
	local p missing=()
	for p in "$@"; do
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "deploy: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
		return 1
	fi
	echo "deploy: installing ${missing[*]}" >&2
	if [ $apt_updated = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

phase "tools"
need_apt buildah podman runc ca-certificates time curl util-linux ||
	not_ok "install buildah podman runc ca-certificates time curl"
command -v node >/dev/null 2>&1 || need_apt nodejs || not_ok "install nodejs"
command -v npm >/dev/null 2>&1 || need_apt npm || not_ok "install npm"
# kubectl with kustomize v5 (the image of this machine kind has one; Debian
# 12's kubernetes-client is 1.20, whose kustomize v2 cannot render these).
if ! command -v kubectl >/dev/null 2>&1; then
	need_apt kubernetes-client || true
fi
kver=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')
echo "kubectl: $(kubectl version --client 2>/dev/null | head -n 1) (kustomize ${kver:-none})"
case $kver in
v[4-9]* | v[1-9][0-9]*) ok "kubectl with kustomize $kver" ;;
*) not_ok "kubectl with kustomize v4 or later (found '${kver:-none}'): the overlays cannot be rendered" ;;
esac
# npm tools, pinned by tests/deploy/package-lock.json, into the checkout.
if ! cmp -s tests/deploy/package-lock.json tests/deploy/node_modules/.package-lock.json 2>/dev/null &&
	! node -e 'const a=require("./tests/deploy/package-lock.json").packages,b=require("./tests/deploy/node_modules/.package-lock.json").packages;for(const k in a)if(k&&(!b[k]||b[k].version!==a[k].version))process.exit(1)' 2>/dev/null; then
	(cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error >&2) ||
		not_ok "npm ci in tests/deploy"
fi
CHECK=(node tests/deploy/check-manifests.mjs)

# Runs the checker and counts each of its "ok"/"not ok" lines.
count_checks() { # PREFIX COMMAND...
	local prefix=$1 line
	shift
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$prefix${line#ok - }" ;;
		"not ok - "*) not_ok "$prefix${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done < <("$@" 2>&1)
}

# ---- 1. render --------------------------------------------------------------
phase "render"
for o in base dev prod; do
	dir=deploy/k8s/overlays/$o
	[ $o = base ] && dir=deploy/k8s/base
	if kubectl kustomize "$dir" >"$T/$o.yaml" 2>"$T/$o.err"; then
		ok "kubectl kustomize $dir ($(grep -c '^kind:' "$T/$o.yaml") objects)"
	else
		not_ok "kubectl kustomize $dir: $(head -n 3 "$T/$o.err")"
	fi
done
# The wrapper `make deploy` applies: namespace, registry, tag, model version.
if "$MAKE_BIN" -s --no-print-directory render OVERLAY=prod NAMESPACE=ml-test IMAGE_TAG=v9.9.9 \
	IMAGE_REPO=registry.example/ml/driftmon MODEL_VERSION=v2 >"$T/wrap.yaml" 2>"$T/wrap.err"; then
	ok "make render OVERLAY=prod NAMESPACE=ml-test IMAGE_TAG=v9.9.9 IMAGE_REPO=... MODEL_VERSION=v2"
else
	not_ok "make render (wrapper): $(head -n 3 "$T/wrap.err")"
fi
imgs=$(grep -oE 'image: [^ ]*driftmon[^ ]*' "$T/wrap.yaml" | sort -u)
check "wrapper sets every driftmon image to registry.example/ml/driftmon:v9.9.9" \
	test "$imgs" = "image: registry.example/ml/driftmon:v9.9.9"
spec=$("${CHECK[@]}" runspec "$T/wrap.yaml" CronJob/driftmon-detect detect 2>&1)
check "wrapper's MODEL_VERSION=v2 reaches the detect job's args" \
	grep -q '"v2"' <<<"$spec"

# ---- 2. schemas and policy --------------------------------------------------
phase "schemas and policy"
for o in base dev prod; do
	[ -s "$T/$o.yaml" ] || continue
	count_checks "[$o] " "${CHECK[@]}" check --profile $o --namespace driftmon "$T/$o.yaml"
done
[ -s "$T/wrap.yaml" ] && count_checks "[make render prod, namespace ml-test] " \
	"${CHECK[@]}" check --profile prod --namespace ml-test "$T/wrap.yaml"
[ -s "$T/base.yaml" ] && count_checks "" "${CHECK[@]}" selftest "$T/base.yaml"

# ---- 3. targets without a cluster -------------------------------------------
phase "make targets without a cluster"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
cat >"$T/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: closed
  cluster:
    server: https://127.0.0.1:$port
contexts:
- name: closed
  context:
    cluster: closed
    user: nobody
current-context: closed
users:
- name: nobody
  user:
    token: not-a-real-token
EOF
# expect_one_line NAME PATTERN MAKE-ARGS...: fails, within 10 s, with exactly
# one "driftmon:" line on stderr matching PATTERN.  MAKE_PATH=DIR runs make
# with only DIR on PATH.
expect_one_line() {
	local name=$1 pat=$2 t0 el rc lines
	shift 2
	t0=$(date +%s%N)
	local envv=()
	[ -n "${MAKE_PATH:-}" ] && envv=(env PATH="$MAKE_PATH")
	timeout 30 "${envv[@]}" "$MAKE_BIN" -s --no-print-directory "$@" >"$T/t.out" 2>"$T/t.err" </dev/null
	rc=$?
	el=$((($(date +%s%N) - t0) / 1000000))
	lines=$(grep -c '^driftmon' "$T/t.err")
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -q "^driftmon.*$pat" "$T/t.err" && [ $el -lt 10000 ]; then
		ok "$name (${el} ms): $(grep '^driftmon' "$T/t.err")"
	else
		not_ok "$name: exit $rc after ${el} ms; stderr: $(cat "$T/t.err")"
	fi
}
for t in deploy status logs trigger-job trigger-baseline undeploy; do
	expect_one_line "make $t, no reachable cluster" "$t: no reachable Kubernetes cluster (context 'closed'" \
		$t IMAGE_TAG=v1 KUBECONFIG="$T/kubeconfig"
done
expect_one_line "make status without kubectl" "status needs kubectl, which is not installed" \
	status KUBECTL=/nonexistent/kubectl
expect_one_line "make deploy OVERLAY=prod with the placeholder client ID" "client ID is still the all-zero placeholder" \
	deploy OVERLAY=prod IMAGE_TAG=v1 KUBECONFIG="$T/kubeconfig"
expect_one_line "make render IMAGE_TAG=latest is refused" "IMAGE_TAG=latest is refused" render IMAGE_TAG=latest
expect_one_line "make render with an unknown overlay" "no kustomize overlay 'staging'" render OVERLAY=staging IMAGE_TAG=v1
expect_one_line "make build-images IMAGE_TAG=latest is refused" "is refused" build-images IMAGE_TAG=latest
# No engine at all / only a docker client with no engine behind it.
mkdir -p "$T/noengine" "$T/dockeronly"
for tool in bash sh find sort; do ln -s "$(command -v $tool)" "$T/noengine/$tool"; done
cp -a "$T/noengine/." "$T/dockeronly/"
printf '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n' >"$T/dockeronly/docker"
chmod +x "$T/dockeronly/docker"
MAKE_PATH=$T/noengine expect_one_line "make build-images with no container engine" "no container engine: install docker, podman or buildah" \
	build-images IMAGE_TAG=v1
MAKE_PATH=$T/dockeronly expect_one_line "make build-images with a docker client but no engine" "docker is installed but no Docker engine answers" \
	build-images IMAGE_TAG=v1

# ---- 4. the image --------------------------------------------------------------
phase "image"
pkgs=$(deploy/docker/runtime-packages.sh "$DM" 2>&1 | tr '\n' ' ')
want=libc6
for pair in libjansson:libjansson4 libsnappy:libsnappy1v5 libzstd:libzstd1 libz.so:zlib1g liblz4:liblz4-1 \
	libbrotlidec:libbrotli1 libcurl:libcurl4 libmicrohttpd:libmicrohttpd12; do
	readelf -d "$DM" | grep -q "NEEDED.*${pair%%:*}" && want="$want ${pair#*:}"
done
check "runtime-packages.sh: the packages of the libraries driftmon links ($pkgs)" \
	bash -c "set -e; for p in $want; do grep -qw \$p <<<'$pkgs'; done; for p in $pkgs; do dpkg -s \$p >/dev/null; done"
df=deploy/docker/Dockerfile
check "Dockerfile: builds on debian:12, runs on debian:12-slim" \
	bash -c "grep -q '^ARG DEBIAN_RELEASE=12\$' $df && grep -q '^FROM debian:\${DEBIAN_RELEASE} AS build' $df && grep -q '^FROM debian:\${DEBIAN_RELEASE}-slim AS runtime' $df"
check "Dockerfile: runtime packages come from ldd, plus ca-certificates" \
	bash -c "grep -q 'runtime-packages.sh build/driftmon' $df && grep -q 'install -y --no-install-recommends ca-certificates \$(cat /tmp/runtime-packages.txt)' $df"
check "Dockerfile: non-root USER, ENTRYPOINT [\"driftmon\"], HOME/TMPDIR on /tmp, no latest" \
	bash -c "grep -q '^USER 10001:10001' $df && grep -q '^ENTRYPOINT \[\"driftmon\"\]' $df && grep -q 'HOME=/tmp' $df && grep -q 'TMPDIR=/tmp' $df && ! grep -q ':latest' $df"

dry=$("$MAKE_BIN" -n --no-print-directory build-image-offline IMAGE_TAG=v7 OFFLINE_FLAGS="--root /x --runroot /y" 2>&1)
check "make build-image-offline runs build-offline.sh with the binary, IMAGE_REPO:IMAGE_TAG, OFFLINE_FLAGS and the archive" \
	grep -q "deploy/docker/build-offline.sh --root /x --runroot /y --archive 'build/driftmon-image-v7.tar' 'build/driftmon' 'driftmon:v7'" <<<"$dry"
t0=$(date +%s%N)
if deploy/docker/build-offline.sh "${STORE[@]:2}" --archive "$T/image.tar" "$DM" "$IMAGE" >"$T/build.out" 2>&1; then
	build_ms=$((($(date +%s%N) - t0) / 1000000))
	ok "build-offline.sh: $(tail -n 1 "$T/build.out") in ${build_ms} ms"
	built=1
else
	not_ok "build-offline.sh: $(cat "$T/build.out")"
	built=0
fi
check "build-offline.sh refuses the latest tag" \
	bash -c "! deploy/docker/build-offline.sh ${STORE[*]:2} '$DM' driftmon:latest 2>/dev/null"

if [ $built = 1 ]; then
	size=$(podman "${STORE[@]}" image inspect --format '{{.Size}}' "$IMAGE")
	arch=$(stat -c %s "$T/image.tar")
	echo "image size: $size bytes ($((size / 1024)) KiB) in the store; docker-archive $arch bytes"
	check "image is small (under 50 MB: $((size / 1024 / 1024)) MB)" test "$size" -lt 52428800
	cfg=$(podman "${STORE[@]}" image inspect --format '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Env}}' "$IMAGE")
	check "image config: user 10001:10001, entrypoint [\"driftmon\"], HOME=/tmp ($cfg)" \
		bash -c "grep -q '^10001:10001 \[\"driftmon\"\]' <<<'$cfg' && grep -q 'HOME=/tmp' <<<'$cfg'"
fi

# ---- 5. the rendered jobs, run in the image ------------------------------------
phase "run the rendered CronJobs with podman"
if [ $built = 1 ]; then
	# Render the dev overlay with the image just built (what make deploy
	# would apply), so the image reference in the manifest is what runs.
	"$MAKE_BIN" -s --no-print-directory render OVERLAY=dev IMAGE_TAG="$TAG" >"$T/run.yaml" 2>"$T/run.err" ||
		not_ok "make render OVERLAY=dev IMAGE_TAG=$TAG: $(cat "$T/run.err")"
	mkdir -p "$T/store"
	chown 10001:10001 "$T/store"
	# The only store this binary has is a folder (Azure: issue 4), so the
	# ConfigMap's DRIFTMON_STORE / TRAINING_DATA point at the mounted one.
	sets=(--set DRIFTMON_STORE=/store --set TRAINING_DATA=/store/training-data/spam-detector/train.parquet)
	echo "note: DRIFTMON_STORE and TRAINING_DATA set to the mounted folder /store (the dev overlay's azurite URL needs the Azure store)"
	podman_args() { # REF CONTAINER [--set K=V]...: fills the array A
		A=()
		mapfile -d '' A < <("${CHECK[@]}" podman-args "$T/run.yaml" "$@")
		[ ${#A[@]} -gt 0 ]
	}
	runp() { # NAME ARGS...: runs podman, sets rc/out/err
		podman "${STORE[@]}" "${RUN[@]}" "$@" >"$T/p.out" 2>"$T/p.err"
		rc=$?
		out=$(cat "$T/p.out")
		err=$(cat "$T/p.err")
	}

	runp --read-only --user 10001:10001 --cap-drop ALL "$IMAGE" --version
	check "podman: driftmon --version in the image ($out)" test "$rc" = 0 -a "$out" = "$("$DM" --version)"

	podman_args CronJob/driftmon-detect detect "${sets[@]}" || not_ok "podman-args for the detect CronJob"
	img_i=0
	for i in "${!A[@]}"; do [ "${A[$i]}" = "$IMAGE" ] && { img_i=$i; break; }; done
	check "the rendered CronJob names the image just built ($IMAGE)" test "$img_i" -gt 0
	flags=("${A[@]:0:$img_i}")
	echo "detect container as rendered: podman run ${flags[*]} ${A[*]:$img_i}"

	t0=$(date +%s%N)
	runp "${flags[@]}" -v "$T/store:/store" --env DRIFTMON_STORE=/store "$IMAGE" \
		synth --rows 4000 --hours 24 --rows-per-hour 150 --seed 11
	check "podman: synth writes sample training data and 24 h of logs to the mounted store" \
		test "$rc" = 0 -a -s "$T/store/training-data/spam-detector/train.parquet"
	[ "$rc" = 0 ] || echo "$err"

	if podman_args CronJob/driftmon-baseline baseline "${sets[@]}"; then
		runp -v "$T/store:/store" "${A[@]}"
		check "podman: the baseline Job template's container profiles the training data (${out%%$'\n'*})" \
			test "$rc" = 0 -a -s "$T/store/baselines/spam-detector/v1/baseline.json"
		[ "$rc" = 0 ] || echo "$err"
	else
		not_ok "podman-args for the baseline CronJob"
	fi

	podman_args CronJob/driftmon-detect detect "${sets[@]}"
	runp -v "$T/store:/store" "${A[@]}"
	echo "timing: synth + baseline + detect, three podman runs: $((($(date +%s%N) - t0) / 1000000)) ms"
	samples=$(sed -n 's/^Samples analyzed: //p' <<<"$out")
	check "podman: the hourly CronJob's container runs detect (exit $rc, samples ${samples:-none})" \
		bash -c "[ '$rc' = 0 ] && grep -q '^DRIFT DETECTION SUMMARY' <<<'$out' && [ '${samples:-0}' -ge $((23 * 150)) ]"
	[ "$rc" = 0 ] || echo "$err"
	check "detect wrote drift-reports/spam-detector/latest.json as uid 10001" \
		bash -c "[ -s '$T/store/drift-reports/spam-detector/latest.json' ] && [ \$(stat -c %u '$T/store/drift-reports/spam-detector/latest.json') = 10001 ]"

	podman_args CronJob/driftmon-detect detect "${sets[@]}" --set DRIFT_MIN_SAMPLES=1000000
	runp -v "$T/store:/store" "${A[@]}"
	check "the ConfigMap's DRIFT_* settings reach detect (DRIFT_MIN_SAMPLES=1000000 -> no verdict)" \
		grep -q 'UNKNOWN (insufficient data' <<<"$out"

	runp "${flags[@]}" "$IMAGE" synth --logs --hours 1 --rows-per-hour 5 --store /var/lib/driftmon-data
	check "the root filesystem is read-only in the pod's settings (a write outside /tmp fails: ${err%%$'\n'*})" \
		bash -c "[ '$rc' != 0 ] && grep -qi 'read-only' <<<'$err'"

	# Measured memory against what the manifest requests.
	/usr/bin/time -f '%M' -o "$T/rss" "$DM" detect --model spam-detector --version v1 \
		--store "$T/store" --no-write --format none >/dev/null 2>&1
	rss_kb=$(tail -n 1 "$T/rss")
	req=$("${CHECK[@]}" runspec "$T/run.yaml" CronJob/driftmon-detect detect | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.requests.memory+" "+j.limits.memory)})')
	echo "detect peak RSS on this 24 h window: ${rss_kb} KiB; the CronJob requests $((${req% *} / 1048576)) MiB, limit $((${req#* } / 1048576)) MiB (podman ran it with --memory at the limit)"
	check "detect's measured peak RSS (${rss_kb} KiB) is below the CronJob's memory request" \
		test "$((rss_kb * 1024))" -lt "${req% *}"

	# Fan-out (docs/fanout.md): the sharded baseline's Indexed Job, as
	# `make baseline-sharded-manifest` renders it, run as three containers
	# side by side (JOB_COMPLETION_INDEX 0..2, what Kubernetes sets), then
	# the merge Job's container; the result equals the single-process
	# baseline of the same files.  The store is the mounted folder: these
	# runs keep the suite's --network none (azurite on the host is not
	# reachable from a container without a network; the Azure path of the
	# same indexes is in tests/suites/azure.sh, as processes).
	"$MAKE_BIN" -s --no-print-directory baseline-sharded-manifest INPUT_PREFIX=inference-logs/ \
		OVERLAY=dev SHARDS=3 BACKFILL_NAME=suite IMAGE_REPO=driftmon IMAGE_TAG="$TAG" >"$T/fan.yaml" 2>"$T/fan.err" ||
		not_ok "make baseline-sharded-manifest: $(cat "$T/fan.err")"
	ns=$(/usr/bin/python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("driftmon-config"):
        print(d["metadata"].get("namespace", "")); break' "$T/run.yaml")
	[ -n "$ns" ] || not_ok "the rendered dev overlay has no driftmon-config ConfigMap with a namespace"
	{ cat "$T/run.yaml"; echo ---; sed "s/^  name: driftmon-baseline-\(shards\|merge\)-suite\$/&\n  namespace: $ns/" "$T/fan.yaml"; } >"$T/fanrun.yaml"
	fan_args() { # REF CONTAINER: fills A from the fan-out manifests (model version "fan")
		A=()
		mapfile -d '' A < <("${CHECK[@]}" podman-args "$T/fanrun.yaml" "$@" "${sets[@]}" --set MODEL_VERSION=fan)
		[ ${#A[@]} -gt 0 ]
	}
	if fan_args Job/driftmon-baseline-shards-suite baseline-shard; then
		fpids=()
		for i in 0 1 2; do
			podman "${STORE[@]}" "${RUN[@]}" -v "$T/store:/store" --env JOB_COMPLETION_INDEX=$i \
				"${A[@]}" >"$T/fan$i.out" 2>&1 &
			fpids+=($!)
		done
		frc=0
		for i in 0 1 2; do wait "${fpids[$i]}" || frc=1; done
		check "podman: the sharded baseline's three indexes side by side ($(grep -ho 'shard [0-9]/3: [0-9]* of [0-9]* files, [0-9]* rows' "$T"/fan[012].out | tr '\n' ';'))" \
			test "$frc" = 0 -a "$(ls "$T/store/baselines/spam-detector/fan/partials" 2>/dev/null | grep -c 'of-00003.json')" = 3
		[ "$frc" = 0 ] || cat "$T"/fan[012].out
	else
		not_ok "podman-args for the sharded baseline's Indexed Job"
	fi
	if fan_args Job/driftmon-baseline-merge-suite baseline-merge; then
		runp -v "$T/store:/store" "${A[@]}"
		check "podman: the merge Job's container writes the baseline (${out%%$'\n'*})" \
			test "$rc" = 0 -a -s "$T/store/baselines/spam-detector/fan/baseline.json"
		[ "$rc" = 0 ] || echo "$err"
		"$DM" baseline -m spam-detector -v single --input-prefix inference-logs/ \
			--store "$T/store" --dry-run --output "$T/fan-single.json" >/dev/null 2>&1
		check "podman: merged baseline == the single-process baseline of the same files ($(/usr/bin/python3 tests/e2e/baseline_cmp.py "$T/fan-single.json" "$T/store/baselines/spam-detector/fan/baseline.json" | head -n 1))" \
			/usr/bin/python3 tests/e2e/baseline_cmp.py "$T/fan-single.json" "$T/store/baselines/spam-detector/fan/baseline.json"
	else
		not_ok "podman-args for the sharded baseline's merge Job"
	fi

	# The same Jobs against azurite (tests/azure's, when `npm ci` has
	# installed it there): the one place these runs leave --network none,
	# for --network host, as the Azure store is reached over loopback.
	AZB=$ROOT/tests/azure/node_modules/.bin/azurite-blob
	if [ -x "$AZB" ]; then
		ap=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
		"$AZB" --blobHost 127.0.0.1 --blobPort "$ap" --skipApiVersionCheck --disableTelemetry \
			--loose --silent --inMemoryPersistence >"$T/azurite.log" 2>&1 &
		azpid=$!
		for _ in $(seq 100); do
			/usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$ap" 2>/dev/null && break
			sleep 0.1
		done
		AS="http://127.0.0.1:$ap/devstoreaccount1/fan"
		"$DM" synth --logs --hours 12 --rows-per-hour 200 --seed 5 --store "$AS" >/dev/null 2>&1 ||
			not_ok "synth to azurite for the containers"
		"$DM" baseline -m spam-detector -v single --input-prefix inference-logs/ --store "$AS" \
			--dry-run --output "$T/fan-az-single.json" >/dev/null 2>&1
		RUNH=(run --rm --runtime runc --network host --ulimit nofile=1024:1024 --ulimit nproc=1000:1000)
		sets_az=(--set "DRIFTMON_STORE=$AS" --set MODEL_VERSION=fanaz)
		A=()
		mapfile -d '' A < <("${CHECK[@]}" podman-args "$T/fanrun.yaml" Job/driftmon-baseline-shards-suite baseline-shard "${sets_az[@]}")
		fpids=()
		for i in 0 1 2; do
			podman "${STORE[@]}" "${RUNH[@]}" --env JOB_COMPLETION_INDEX=$i "${A[@]}" >"$T/fanaz$i.out" 2>&1 &
			fpids+=($!)
		done
		frc=0
		for i in 0 1 2; do wait "${fpids[$i]}" || frc=1; done
		A=()
		mapfile -d '' A < <("${CHECK[@]}" podman-args "$T/fanrun.yaml" Job/driftmon-baseline-merge-suite baseline-merge "${sets_az[@]}")
		# the merge container writes baseline.json to azurite; the host
		# merges the containers' partials again to compare them
		[ "$frc" = 0 ] && podman "${STORE[@]}" "${RUNH[@]}" "${A[@]}" >"$T/fanaz-m.out" 2>&1 &&
			grep -q "Written to $AS/baselines/spam-detector/fanaz/baseline.json" "$T/fanaz-m.out" || frc=1
		if [ "$frc" = 0 ]; then
			"$DM" baseline -m spam-detector -v fanaz --merge-partials --store "$AS" --dry-run \
				--output "$T/fan-az-merged.json" >/dev/null 2>&1
			check "podman (--network host): three index containers and the merge against azurite == one process ($(/usr/bin/python3 tests/e2e/baseline_cmp.py "$T/fan-az-single.json" "$T/fan-az-merged.json" | head -n 1))" \
				/usr/bin/python3 tests/e2e/baseline_cmp.py "$T/fan-az-single.json" "$T/fan-az-merged.json"
		elif grep -qiE "network|connect|resolve" "$T"/fanaz*.out; then
			skipped "podman --network host cannot reach azurite on the host's loopback here: $(grep -hiE 'network|connect|resolve' "$T"/fanaz*.out | head -n 1)"
		else
			not_ok "podman: the sharded baseline against azurite: $(cat "$T"/fanaz*.out | head -n 5)"
		fi
		kill "$azpid" 2>/dev/null
		wait "$azpid" 2>/dev/null
	else
		skipped "the sharded baseline's containers against azurite: azurite not installed (run tests/suites/azure.sh once: npm ci in tests/azure)"
	fi

	# The collector (a missing collect command is a failure, not a skip).
	if "$DM" collect --help >/dev/null 2>&1; then
		if podman_args Deployment/driftmon-collector collect "${sets[@]}"; then
			name=dm-collect-$$
			podman "${STORE[@]}" run -d --name "$name" --runtime runc --network none \
				--ulimit nofile=1024:1024 --ulimit nproc=1000:1000 -v "$T/store:/store" "${A[@]}" >/dev/null 2>"$T/c.err"
			pid=$(podman "${STORE[@]}" inspect --format '{{.State.Pid}}' "$name" 2>/dev/null)
			path=$("${CHECK[@]}" runspec "$T/run.yaml" Deployment/driftmon-collector collect | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s),g=j.readinessProbe.httpGet,p=typeof g.port==="string"?j.ports.find(x=>x.name===g.port).containerPort:g.port;console.log(p+g.path)})')
			code=
			for _ in $(seq 50); do
				code=$(nsenter -t "${pid:-0}" -n curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$path" 2>/dev/null)
				[ "$code" = 200 ] && break
				sleep 0.2
			done
			check "podman: the collector Deployment's container answers its probe: GET :$path -> ${code:-nothing}" \
				test "$code" = 200
			podman "${STORE[@]}" stop -t 10 "$name" >/dev/null 2>&1
			ec=$(podman "${STORE[@]}" inspect --format '{{.State.ExitCode}}' "$name" 2>/dev/null)
			check "the collector exits cleanly on SIGTERM (exit ${ec:-?})" test "${ec:-1}" = 0
			podman "${STORE[@]}" rm -f "$name" >/dev/null 2>&1
		else
			not_ok "podman-args for the collector Deployment"
		fi
	else
		not_ok "driftmon collect --help fails, so the collector's /healthz check cannot run"
	fi
else
	not_ok "podman runs: no image was built"
fi

# ---- optional: the Dockerfile itself -----------------------------------------
if [ "${DM_DEPLOY_DOCKERFILE:-0}" = 1 ]; then
	phase "Dockerfile (DM_DEPLOY_DOCKERFILE=1)"
	if tests/deploy/dockerfile-build.sh "$T/df" "${STORE[@]:2}" >"$T/df.log" 2>&1; then
		ok "Dockerfile builds with buildah on a debootstrapped debian:12 base: $(tail -n 1 "$T/df.log")"
	else
		not_ok "Dockerfile build: $(tail -n 15 "$T/df.log")"
	fi
fi

phase "done"
echo "deploy: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
