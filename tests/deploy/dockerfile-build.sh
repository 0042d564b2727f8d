#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds deploy/docker/Dockerfile for real on a machine that reaches
# Debian's package mirror but no container registry: debootstrap makes a
# Debian 12 (bookworm, minbase) root filesystem, buildah imports it as
# debian:12 and debian:12-slim, and `buildah build --pull=never` runs the
# Dockerfile against them (its apt-get steps use the mirror).  Then podman
# runs the result read-only as its own non-root user.
#
#   tests/deploy/dockerfile-build.sh WORKDIR [--root DIR --runroot DIR]
#
# Slow (debootstrap and the build stage's packages: several minutes), so
# tests/suites/deploy.sh runs it only with DM_DEPLOY_DOCKERFILE=1.  The
# debootstrapped tree is kept in WORKDIR/rootfs and reused.
set -euo pipefail
work=${1:?usage: dockerfile-build.sh WORKDIR [--root DIR --runroot DIR]}
shift
store=(--storage-driver vfs "$@")
root=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${DM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
image=driftmon:dockerfile-test

command -v debootstrap >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
}
mkdir -p "$work"
if [ ! -x "$work/rootfs/usr/bin/apt-get" ]; then
	rm -rf "$work/rootfs"
	debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
		tail -n 20 "$work/debootstrap.log" >&2
		exit 1
	}
fi
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb

ctr=$(buildah "${store[@]}" from scratch)
trap 'buildah "${store[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah "${store[@]}" copy --quiet "$ctr" "$work/rootfs/" / >/dev/null
buildah "${store[@]}" config --cmd '["bash"]' --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
buildah "${store[@]}" commit --quiet "$ctr" docker.io/library/debian:12 >/dev/null
buildah "${store[@]}" tag docker.io/library/debian:12 docker.io/library/debian:12-slim

t0=$(date +%s)
# The unit tests have their own suite: skip them in the image build unless
# DM_DOCKERFILE_TESTS=1, so this checks the Dockerfile, not the tree's tests.
(cd "$root" && buildah "${store[@]}" build --pull=never --isolation chroot \
	--build-arg RUN_TESTS="${DM_DOCKERFILE_TESTS:-0}" \
	-f deploy/docker/Dockerfile -t "$image" .)
t1=$(date +%s)

run=(podman "${store[@]}" run --rm --runtime runc --network none --read-only
	--ulimit nofile=1024:1024 --ulimit nproc=1000:1000 --cap-drop ALL)
v=$("${run[@]}" "$image" --version)
[ "$v" = "driftmon $(sed -n 's/^VERSION := //p' "$root/Makefile")" ] || {
	echo "unexpected --version: $v" >&2
	exit 1
}
user=$(podman "${store[@]}" image inspect --format '{{.Config.User}}' "$image")
[ "$user" = 10001:10001 ] || { echo "image user is '$user'" >&2; exit 1; }
# A detect on an empty store: runs as 10001 with only /tmp writable.
"${run[@]}" --tmpfs /tmp:rw,mode=1777 --env DRIFTMON_STORE=/tmp/store "$image" \
	detect --model m --version v1 --no-write >/dev/null 2>"$work/detect.err" || true
grep -q "baseline" "$work/detect.err" || {
	echo "detect in the Dockerfile image: $(cat "$work/detect.err")" >&2
	exit 1
}
size=$(podman "${store[@]}" image inspect --format '{{.Size}}' "$image")
echo "built $image from deploy/docker/Dockerfile in $((t1 - t0)) s: $v, user $user, $((size / 1024 / 1024)) MB"
