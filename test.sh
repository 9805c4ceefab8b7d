#!/usr/bin/env bash
# The one test command: installs what the tests need, then runs every check CI runs.
#
#   ./test.sh            everything (what .ci/run calls)
#   ./test.sh --no-fuzz  everything but the fuzz smoke (a quicker local loop)
#
# Steps: rustfmt, clippy (all targets, warnings denied), all tests (unit, integration, doc),
# the criterion benches run once each as a smoke test, rustdoc with warnings denied, and a
# bounded fuzz smoke (each target FUZZ_SECONDS, default 30). Needs nothing but a Rust toolchain
# from rustup; nightly (for cargo-fuzz) and cargo-fuzz itself are installed when missing.
set -euo pipefail
cd "$(dirname "$0")"

FUZZ=1
for arg in "$@"; do
    case "$arg" in
        --no-fuzz) FUZZ=0 ;;
        -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TARGETS=(parse_response chunked client_call set_cookie cookie_date cookies_txt)

started=$(date +%s)
log=$(mktemp -t tarry-test.XXXXXX)
trap 'rm -f "$log"' EXIT

step() { printf '\n==> %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

# ---------------------------------------------------------------- install what is missing
step "toolchain"
command -v cargo >/dev/null || { echo "test.sh: cargo not found; install Rust with rustup" >&2; exit 1; }
if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
cargo --version

# ---------------------------------------------------------------- static checks
step "cargo fmt --check"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# ---------------------------------------------------------------- tests
step "cargo test (unit, integration, doc)"
cargo test --workspace --locked 2>&1 | tee -a "$log"

step "tarry-jar without default features (no embedded suffix list, no JSON)"
cargo clippy -p tarry-jar --no-default-features --all-targets --locked -- -D warnings
cargo test -p tarry-jar --no-default-features --locked 2>&1 | tee -a "$log"

step "tarry-pool without TLS (plain HTTP only)"
cargo clippy -p tarry-pool --no-default-features --all-targets --locked -- -D warnings
cargo test -p tarry-pool --no-default-features --locked 2>&1 | tee -a "$log"

step "RFC 6265 conformance summary (the IETF http-state suite, read in place from ../shared)"
cargo test -p tarry-jar --test conformance --locked -- --nocapture 2>&1 | grep -E '^(rfc6265|skipped|  skipped)' || true

step "WIRE-25 in release (the http crate's debug assertions hide the codec's own check)"
cargo test --release --locked -p tarry-wire --test fixtures wire_25 2>&1 | tee -a "$log"

step "benches, once each (criterion test mode: proves they build and run)"
cargo test -p tarry-benches --benches --locked 2>&1 | tee -a "$log"

step "cargo doc -D warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

# ---------------------------------------------------------------- fuzzing
step "fuzz crate: clippy and corpus replay (stable)"
(cd fuzz && cargo clippy --all-targets --locked -- -D warnings)
(cd fuzz && cargo test --locked 2>&1) | tee -a "$log"

if [ "$FUZZ" = 1 ]; then
    step "fuzz smoke: ${FUZZ_SECONDS}s per target"
    if rustup run nightly rustc --version >/dev/null 2>&1; then
        if ! cargo fuzz --version >/dev/null 2>&1; then
            cargo install cargo-fuzz --locked
        fi
        fuzz_log=$(mktemp -t tarry-fuzz.XXXXXX)
        for t in "${FUZZ_TARGETS[@]}"; do
            echo "--- fuzz $t"
            if ! (cd fuzz && cargo +nightly fuzz run "$t" -- \
                -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 -timeout=10) >"$fuzz_log" 2>&1; then
                cat "$fuzz_log"
                echo "test.sh: fuzz target $t failed; the reproducer is in fuzz/artifacts/$t/" >&2
                exit 1
            fi
            tail -n 2 "$fuzz_log"
        done
        rm -f "$fuzz_log"
    else
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!!! NIGHTLY TOOLCHAIN MISSING: the fuzz smoke did NOT run.                      !!!"
        echo "!!! Only the committed corpus was replayed through the targets (step above).   !!!"
        echo "!!! Install it with: rustup toolchain install nightly                          !!!"
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    fi
fi

# ---------------------------------------------------------------- summary
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')
echo
echo "test.sh finished in $(($(date +%s) - started))s"
echo "tests: $passed passed, $failed failed"
