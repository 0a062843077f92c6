#!/usr/bin/env bash
# Fetches Debian 12's own i386 kernel (linux-image-*-686) and busybox-static (i386) with
# `apt-get download`, checks them, and builds the initramfs our Linux guests boot:
#
#   guests/linux/fetch.sh [OUT]        (OUT defaults to guests/images/linux, which git ignores)
#
# leaves OUT/bzImage, OUT/initrd.gz and OUT/versions (the package versions used): where VMs
# find images (vivarium.vm.image-directory, guests/images), so `vm create NAME --image linux`
# boots them. Needs apt-get, dpkg-deb, cpio and gzip, and Debian's package archive; it runs
# without root and without touching the system's apt configuration (apt's state and the
# packages live in guests/build/linux, also ignored). Nothing it downloads is committed. A
# second run with the same package versions and /init only checks.
#
# Exit status: 0 done; 3 Debian's archive could not be reached (the tests skip on it, except
# under CI=true); 1 anything else (a tool missing, a package that fails its checks).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../images/linux}
mkdir -p "$out" "$here/../build/linux"
out=$(cd "$out" && pwd)
build=$(cd "$here/../build/linux" && pwd)
apt_dir=$build/apt

for tool in apt-get dpkg-deb cpio gzip; do
    if ! command -v "$tool" >/dev/null; then
        echo "fetch: $tool is missing (apt-get install -y ${tool/apt-get/apt})" >&2
        exit 1
    fi
done

# Private apt directories, for the i386 architecture only: the system's own lists and
# architectures stay as they are.
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d"
touch "$apt_dir/state/status"
sources=0
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
    if [ -s "$f" ]; then
        cp "$f" "$apt_dir/etc/"
        sources=$((sources + 1))
    fi
done
if [ "$sources" = 0 ]; then
    echo "fetch: no apt sources in /etc/apt to take Debian's archive from" >&2
    exit 1
fi
apt_opts=(-o "Dir::State=$apt_dir/state" -o "Dir::Cache=$apt_dir/cache"
          -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/etc"
          -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
          -o "Dir::State::status=$apt_dir/state/status"
          -o APT::Architecture=i386 -o APT::Architectures=i386
          -o Acquire::Retries=2 -o Acquire::http::Timeout=30 -o Debug::NoLocking=1)

if ! apt-get "${apt_opts[@]}" -q update >"$build/apt-update.log" 2>&1 \
        || grep -qE '^(W|E): Failed to fetch|^Err:' "$build/apt-update.log"; then
    echo "fetch: Debian's package archive cannot be reached (apt-get update failed; $build/apt-update.log)" >&2
    tail -3 "$build/apt-update.log" >&2
    exit 3
fi

# linux-image-686 is the metapackage; it depends on today's linux-image-6.1.0-N-686.
kernel_pkg=$(apt-cache "${apt_opts[@]}" depends linux-image-686 \
    | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-686\)$/\1/p' | head -1)
if [ -z "$kernel_pkg" ]; then
    echo "fetch: linux-image-686 names no linux-image-*-686 package" >&2
    exit 1
fi

work=$build/packages
mkdir -p "$work"
(cd "$work" && apt-get "${apt_opts[@]}" -q download "$kernel_pkg" busybox-static) >"$build/apt-download.log" 2>&1 || {
    echo "fetch: apt-get download $kernel_pkg busybox-static failed ($build/apt-download.log)" >&2
    tail -3 "$build/apt-download.log" >&2
    if grep -qE 'Failed to fetch|Could not resolve|Connection' "$build/apt-download.log"; then exit 3; fi
    exit 1
}
kernel_deb=$(ls -t "$work"/"${kernel_pkg}"_*_i386.deb | head -1)
busybox_deb=$(ls -t "$work"/busybox-static_*_i386.deb | head -1)

# apt-get download checked each file against the archive's signed index (the Release file's
# signature, then the package's SHA256); we check that each is the package we asked for.
check_deb() { # file, package
    local pkg arch
    pkg=$(dpkg-deb -f "$1" Package)
    arch=$(dpkg-deb -f "$1" Architecture)
    if [ "$pkg" != "$2" ] || [ "$arch" != i386 ]; then
        echo "fetch: $1 holds $pkg for $arch, expected $2 for i386" >&2
        exit 1
    fi
}
check_deb "$kernel_deb" "$kernel_pkg"
check_deb "$busybox_deb" busybox-static
versions="$kernel_pkg $(dpkg-deb -f "$kernel_deb" Version)
busybox-static $(dpkg-deb -f "$busybox_deb" Version)
init $(sha256sum "$here/init" | cut -c1-16)"
if [ -f "$out/versions" ] && [ "$(cat "$out/versions")" = "$versions" ] \
        && [ -s "$out/bzImage" ] && [ -s "$out/initrd.gz" ]; then
    echo "fetch: up to date ($kernel_pkg, $out)"
    exit 0
fi

# The kernel: /boot/vmlinuz-* is the bzImage; its setup header carries "HdrS" at 0x202.
rm -rf "$work/kernel" "$work/busybox"
dpkg-deb --fsys-tarfile "$kernel_deb" | tar -x -C "$work" --wildcards './boot/vmlinuz-*' \
    && mkdir -p "$work/kernel" && mv "$work"/boot/vmlinuz-* "$work/kernel/bzImage" && rmdir "$work/boot"
if [ "$(dd if="$work/kernel/bzImage" bs=1 skip=514 count=4 status=none)" != HdrS ]; then
    echo "fetch: $kernel_deb's vmlinuz has no Linux boot protocol header (HdrS at 0x202)" >&2
    exit 1
fi

# busybox: a static i386 ELF executable.
mkdir -p "$work/busybox"
dpkg-deb -x "$busybox_deb" "$work/busybox"
bb=$work/busybox/bin/busybox
# ELF magic, class 1 (32-bit), little-endian; e_type 2 (executable), e_machine 3 (i386)
if [ "$(od -An -tx1 -N6 "$bb" | tr -d ' \n')" != 7f454c460101 ] \
        || [ "$(od -An -tx1 -j16 -N4 "$bb" | tr -d ' \n')" != 02000300 ]; then
    echo "fetch: $bb is not a 32-bit x86 ELF executable" >&2
    exit 1
fi

# The initramfs: busybox and our /init. /dev/console comes from the kernel's own built-in
# initramfs, which this archive is unpacked over (making a device node would need root).
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,root}
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"
# Fixed times and owners, so the same packages give the same archive.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) > "$work/initrd.cpio"
gzip -9 -n -c "$work/initrd.cpio" > "$out/initrd.gz.tmp"
cp "$work/kernel/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
printf '%s\n' "$versions" > "$out/versions"
echo "fetch: $kernel_pkg and busybox-static -> $out/bzImage ($(stat -c %s "$out/bzImage") bytes), $out/initrd.gz ($(stat -c %s "$out/initrd.gz") bytes)"
