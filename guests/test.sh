#!/usr/bin/env bash
# Runs every case of tests/cases.txt natively (build/native/) and under QEMU (images/), and
# checks the serial output and exit code against tests/NAME.out. Without qemu-system-i386 the
# QEMU half is skipped with a message, except under CI=true, where that is a failure.
#   guests/test.sh            (run by make -C guests test)
#   UPDATE=1 guests/test.sh   rewrite the .out files from the native runs
# Cases marked `guest` (CPU exceptions, which kill a host process) run under QEMU only, and
# their .out files are written by hand.
set -u
cd "$(dirname "$0")"
qemu=1
if ! command -v qemu-system-i386 >/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "test: qemu-system-i386 is missing and CI=true" >&2
        exit 1
    fi
    echo "test: qemu-system-i386 not found, skipping the QEMU runs (apt-get install -y qemu-system-x86)"
    qemu=0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
check() { # label, expected file, actual file, expected rc, actual rc
    if [ "$4" != "$5" ]; then
        echo "FAIL $1: exit code $5, expected $4"
        failures=$((failures + 1))
    elif ! cmp -s "$2" "$3"; then
        echo "FAIL $1: output differs from $2:"
        diff "$2" "$3" | head -20
        failures=$((failures + 1))
    else
        echo "ok   $1"
    fi
}
while IFS='|' read -r name workload cmdline rc where; do
    name=$(echo "$name" | xargs)
    case "$name" in '' | '#'*) continue ;; esac
    workload=$(echo "$workload" | xargs)
    cmdline=$(echo "$cmdline" | xargs)
    rc=$(echo "$rc" | xargs)
    where=$(echo "${where:-both}" | xargs)
    if [ "$where" != guest ]; then
        # shellcheck disable=SC2086 # the command line is split into words on purpose
        timeout 60 "build/native/$workload" $cmdline >"$out/$name.native"
        native_rc=$?
        if [ "${UPDATE:-}" = 1 ]; then
            cp "$out/$name.native" "tests/$name.out"
        fi
        check "$name (native)" "tests/$name.out" "$out/$name.native" "$rc" "$native_rc"
    fi
    if [ $qemu = 1 ]; then
        # Every run gets a fresh zeroed 1 MiB disk, as the native build's in-memory one.
        truncate -s 0 "$out/disk.img" && truncate -s 1M "$out/disk.img"
        DISK="$out/disk.img" TIMEOUT=60 ./run-qemu.sh "images/$workload.elf" "$cmdline" >"$out/$name.qemu"
        check "$name (qemu)" "tests/$name.out" "$out/$name.qemu" "$rc" "$?"
    fi
done <tests/cases.txt
if [ $failures -ne 0 ]; then
    echo "test: $failures failure(s)"
    exit 1
fi
echo "test: all passed"
