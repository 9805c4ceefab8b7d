#!/usr/bin/env bash
# Builds each footprint program from clean (its own target directory, removed first; crates
# already downloaded) and prints, side by side: the wall time of the release build, the size of
# the stripped binary, and the crates compiled for it (normal and build dependencies, the
# program itself included). Then runs each once against a local server, so a size is never that
# of a program that does not work.
#
#   benches/footprint/run.sh            all programs
#   benches/footprint/run.sh tarry-async ureq-blocking
set -euo pipefail
cd "$(dirname "$0")"

programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(tarry-async tarry-blocking reqwest-async ureq-blocking)

cargo fetch --locked >/dev/null 2>&1 || cargo fetch >/dev/null

# A local server for the check run: a tiny response, kept simple so any client can read it.
server_log=$(mktemp)
python3 -u -m http.server --bind 127.0.0.1 0 >"$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$server_log"' EXIT
port=""
for _ in $(seq 50); do
    port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$server_log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "the check server did not start" >&2; exit 1; }

printf '| program | clean build | stripped binary | crates |\n|---|---:|---:|---:|\n'
for p in "${programs[@]}"; do
    target="target/$p"
    rm -rf "$target"
    start=$(date +%s.%N)
    cargo build --release --locked --quiet -p "$p" --target-dir "$target"
    end=$(date +%s.%N)
    bin="$target/release/$p"
    "$bin" "http://127.0.0.1:$port/Cargo.toml" | grep -q '^\[workspace\]' ||
        { echo "$p did not fetch the page" >&2; exit 1; }
    size=$(stat -c %s "$bin")
    crates=$(cargo tree --locked -p "$p" -e no-dev --prefix none 2>/dev/null |
        sed 's/ (\*)$//; s/ (proc-macro)$//' | awk '{print $1, $2}' | sort -u | wc -l)
    printf '| %s | %.1f s | %s | %s |\n' "$p" "$(echo "$end - $start" | bc)" \
        "$(awk -v b="$size" 'BEGIN {printf "%.2f MB", b / 1000000}')" "$crates"
done
