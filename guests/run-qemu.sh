#!/usr/bin/env bash
# Runs one guest image under QEMU and returns the guest's exit code.
#   guests/run-qemu.sh IMAGE ["key=value ..."]
# The serial console goes to stdout. Environment:
#   TIMEOUT   seconds before the run is killed (default 120; exit status 124 then)
#   DEBUGCON  file for the port 0xE9 debug console (default: discarded)
#   MEMORY    guest RAM in MiB (default 64)
#   DISK      a raw image for the primary ATA master (default: no disk)
# -nodefaults -display none -serial stdio is the issue's -nographic without the VGA card and
# NIC, so SeaBIOS and iPXE print nothing and stdout holds exactly the guest's serial bytes.
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 IMAGE [\"key=value ...\"]" >&2
    exit 2
fi
image=$1
cmdline=${2:-}
if [ ! -f "$image" ]; then
    echo "$0: no such image: $image" >&2
    exit 2
fi
if ! command -v qemu-system-i386 >/dev/null; then
    echo "$0: qemu-system-i386 not found (apt-get install -y qemu-system-x86)" >&2
    exit 2
fi
disk=()
if [ -n "${DISK:-}" ]; then
    disk=(-drive "file=$DISK,format=raw,if=ide,index=0,media=disk")
fi
timeout "${TIMEOUT:-120}" qemu-system-i386 -kernel "$image" -append "$cmdline" "${disk[@]}" \
    -nodefaults -display none -serial stdio -no-reboot -m "${MEMORY:-64}" \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:${DEBUGCON:-/dev/null}" </dev/null
rc=$?
if [ "$rc" -eq 124 ]; then
    echo "$0: timed out after ${TIMEOUT:-120} s" >&2
    exit 124
fi
if [ $((rc & 1)) -eq 1 ]; then
    exit $((rc >> 1)) # isa-debug-exit: QEMU exits with (code << 1) | 1
fi
echo "$0: QEMU exited with $rc without a debug exit (reset, triple fault or QEMU error)" >&2
exit 125
