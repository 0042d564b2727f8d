#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the driftmon container image without a registry: the root
# filesystem is assembled from the driftmon binary, exactly the shared
# libraries it links (as ldd resolves them on this Debian 12 host), the
# dynamic loader, the CA certificates and a passwd/group entry for the
# non-root user, then committed with `buildah from scratch`.
#
# The image is the same contract as deploy/docker/Dockerfile: entrypoint
# "driftmon", user 10001:10001, HOME=TMPDIR=/tmp (an emptyDir in
# Kubernetes), nothing written outside /tmp, so it runs with a read-only
# root filesystem.
#
#   deploy/docker/build-offline.sh [--root DIR --runroot DIR]
#                                  [--storage-driver D] [--archive FILE]
#                                  BIN IMAGE
#
#   --root/--runroot  containers storage to use (default: the system's;
#                     the tests use a private one they delete after)
#   --archive FILE    also write the image as a docker-archive tarball
#                     (for `kind load image-archive` or `docker load`)
#   --storage-driver  default: the one the system store already uses,
#                     else vfs (or $DM_STORAGE_DRIVER)
set -euo pipefail

die() {
	echo "build-offline: $*" >&2
	exit 1
}

store=()
private=0
archive=
while [ $# -gt 0 ]; do
	case $1 in
	--root | --runroot)
		[ $# -ge 2 ] || die "$1 needs a folder"
		store+=("$1" "$2")
		private=1
		shift 2
		;;
	--storage-driver)
		[ $# -ge 2 ] || die "$1 needs a driver name"
		DM_STORAGE_DRIVER=$2
		shift 2
		;;
	--archive)
		[ $# -ge 2 ] || die "--archive needs a file name"
		archive=$2
		shift 2
		;;
	-h | --help)
		sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	--*) die "unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "usage: $0 [--root DIR --runroot DIR] [--storage-driver D] [--archive FILE] BIN IMAGE"
# The storage driver: as asked; else the one the system's store already
# uses (mixing drivers in one store fails); else vfs, which works
# everywhere (no overlay mounts needed).
driver=${DM_STORAGE_DRIVER:-}
if [ -z "$driver" ] && [ $private = 0 ]; then
	for d in overlay vfs btrfs zfs; do
		if [ -d "/var/lib/containers/storage/$d-images" ]; then
			driver=$d
			break
		fi
	done
fi
driver=${driver:-vfs}
store=(--storage-driver "$driver" "${store[@]}")
bin=$1
image=$2

command -v buildah >/dev/null ||
	die "buildah is not installed (Debian: apt-get install buildah)"
command -v ldd >/dev/null || die "ldd is not installed (Debian: libc-bin)"
[ -x "$bin" ] || die "'$bin' is not an executable: build it first (make)"
case $image in
*:latest | *:) die "refusing the tag in '$image': use an explicit version tag, not 'latest'" ;;
*:*) ;;
*) die "'$image' has no tag: use NAME:TAG" ;;
esac
cacert=/etc/ssl/certs/ca-certificates.crt
[ -s "$cacert" ] || die "$cacert is missing (Debian: apt-get install ca-certificates)"

version=$("$bin" --version) || die "'$bin --version' failed"

work=$(mktemp -d "${TMPDIR:-/tmp}/driftmon-rootfs.XXXXXX")
ctr=
cleanup() {
	[ -n "$ctr" ] && buildah "${store[@]}" rm "$ctr" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
root=$work/rootfs

# Debian 12 is merged-/usr: /lib, /lib64, /bin are links into /usr.
mkdir -p "$root"/usr/{bin,lib/x86_64-linux-gnu,lib64,local/bin} \
	"$root"/etc/ssl/certs "$root"/tmp "$root"/var/tmp "$root"/home/driftmon
ln -s usr/lib "$root"/lib
ln -s usr/lib64 "$root"/lib64
ln -s usr/bin "$root"/bin
chmod 1777 "$root"/tmp "$root"/var/tmp

# The binary, without its debug sections (kept in build/ for gdb).
install -m 0755 "$bin" "$root"/usr/local/bin/driftmon
strip --strip-unneeded "$root"/usr/local/bin/driftmon 2>/dev/null || true

# Every library ldd resolves, copied under the name the binary asks for
# (its soname), into the same folder the host has it in.
ldd_out=$(ldd "$bin") || die "ldd '$bin' failed"
if grep -q 'not found' <<<"$ldd_out"; then
	die "'$bin' links libraries this host lacks: $(grep 'not found' <<<"$ldd_out" | tr -s ' \t' ' ')"
fi
nlibs=0
while read -r name arrow path _; do
	if [ "$arrow" = "=>" ] && [ "${path:0:1}" = / ]; then
		src=$path
	elif [ "${name:0:1}" = / ]; then
		src=$name # the dynamic loader
	else
		continue # linux-vdso.so.1: provided by the kernel
	fi
	dst=$root/usr${src#/usr}
	mkdir -p "$(dirname "$dst")"
	cp -L "$src" "$dst"
	nlibs=$((nlibs + 1))
done <<<"$ldd_out"
[ "$nlibs" -gt 0 ] || die "ldd found no libraries in '$bin'"

cp -L "$cacert" "$root"/etc/ssl/certs/ca-certificates.crt
cat >"$root"/etc/passwd <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
driftmon:x:10001:10001:driftmon:/home/driftmon:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root"/etc/group <<'EOF'
root:x:0:
driftmon:x:10001:
nogroup:x:65534:
EOF
printf 'hosts: files dns\n' >"$root"/etc/nsswitch.conf
chmod 0644 "$root"/etc/passwd "$root"/etc/group "$root"/etc/nsswitch.conf

# Refuse to commit an image whose binary does not start in its own root
# filesystem (a library missing from the copy shows up here, not in a pod).
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
	chroot --userspec=10001:10001 "$root" /usr/local/bin/driftmon --version >/dev/null ||
		die "driftmon does not start inside the assembled root filesystem"
fi

ctr=$(buildah "${store[@]}" from scratch)
buildah "${store[@]}" copy --quiet "$ctr" "$root"/ / >/dev/null
buildah "${store[@]}" config \
	--entrypoint '["driftmon"]' --cmd '["--help"]' \
	--user 10001:10001 --workingdir /tmp \
	--env PATH=/usr/local/bin:/usr/bin:/bin \
	--env HOME=/tmp --env TMPDIR=/tmp \
	--env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
	--label org.opencontainers.image.title=driftmon \
	--label org.opencontainers.image.description="drift monitoring for ML models" \
	--label org.opencontainers.image.version="${version#driftmon }" \
	--label org.opencontainers.image.licenses=Apache-2.0 \
	--label org.opencontainers.image.base.name=scratch \
	"$ctr"
buildah "${store[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=
if [ -n "$archive" ]; then
	mkdir -p "$(dirname "$archive")"
	rm -f "$archive"
	buildah "${store[@]}" push --quiet "$image" "docker-archive:$archive:$image" >/dev/null
	echo "build-offline: wrote $archive"
fi
size=$(buildah "${store[@]}" images --format '{{.Size}}' "$image" | head -n 1)
echo "build-offline: built $image ($version, $nlibs libraries, $size; storage driver $driver: podman --storage-driver $driver run ... $image)"
