#!/usr/bin/env bash
# The memory of a running daemon, once a minute until it exits (docs/performance.md, "Resident memory"):
#   Plants/tools/daemon-memory.sh PID OUT
# writes to OUT per minute: resident MB (smaps_rollup: all, anonymous, file-backed, shared), threads,
# the load average, the daemon's minor page faults and CPU seconds so far.
# STATS="10 20": at those minutes, glibc's malloc_stats() is called in the daemon through gdb (it
# prints every arena's system and in-use bytes, and their totals, to the daemon's stderr).
# TRIM_AT=28: at that minute, malloc_stats, malloc_trim(0), malloc_stats through gdb, and the
# resident MB right after (what the allocator kept of freed memory). gdb stops the daemon for ~1 s.
set -euo pipefail
pid=$1
out=$2
stats=" ${STATS:-} "
trim_at=${TRIM_AT:-}
ticks=$(getconf CLK_TCK)
call() { gdb -batch -p "$pid" "${@/#/-ex=call }" >/dev/null 2>&1 || echo "# gdb failed" >>"$out"; }
malloc_stats='((void(*)(void))malloc_stats)()'
malloc_trim='((int(*)(unsigned long))malloc_trim)(0)'
resident() {
    awk '/^Rss:/ {r = $2} /^Pss_Anon:/ {a = $2} /^Pss_File:/ {f = $2} /^Pss_Shmem:/ {s = $2}
         END {printf "%d %d %d %d", r / 1024, a / 1024, f / 1024, s / 1024}' "/proc/$pid/smaps_rollup"
}
start=$(date +%s)
echo "minute rss_mb anon_mb file_mb shmem_mb threads load minor_faults cpu_s" >"$out"
while kill -0 "$pid" 2>/dev/null; do
    minute=$((($(date +%s) - start) / 60))
    echo "$minute $(resident) $(awk '/^Threads/ {print $2}' "/proc/$pid/status") $(cut -d' ' -f1 /proc/loadavg)" \
        "$(awk -v t="$ticks" '{print $10, ($14 + $15) / t}' "/proc/$pid/stat")" >>"$out"
    if [[ "$stats" == *" $minute "* ]]; then
        call "$malloc_stats"
        echo "# minute $minute: malloc_stats (the daemon's stderr)" >>"$out"
    fi
    if [ "$minute" = "$trim_at" ]; then
        call "$malloc_stats" "$malloc_trim" "$malloc_stats"
        echo "# minute $minute: malloc_stats, malloc_trim(0), malloc_stats; then rss anon file shmem: $(resident)" >>"$out"
        trim_at=""
    fi
    sleep 60
done
