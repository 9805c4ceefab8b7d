#!/usr/bin/env bash
# The one test command: installs what the tests need, then runs every check CI runs.
#
#   ./test.sh            everything (what .ci/run calls; about 15 minutes on 2 cores)
#   ./test.sh --no-fuzz  everything but the fuzz smoke
#   ./test.sh --quick    the edit loop: fmt, clippy, unit, integration and doc tests against
#                        httpbin; no nginx soak, load tests, feature matrix, benches or fuzzing
#
# Steps: rustfmt, clippy (all targets, warnings denied), all tests (unit, integration, doc),
# the load tests again in release at full size, the criterion benches run once each as a
# smoke test, the peers bench linted, rustdoc with warnings denied, and a bounded fuzz smoke
# (each target FUZZ_SECONDS, default 30). Needs nothing but a Rust toolchain from rustup;
# nightly (for cargo-fuzz) and cargo-fuzz itself are installed when missing, and nginx
# (Debian's package, as root) for the pool's real-peer soak, which runs in the background
# from the start of the tests to the summary, and httpbin under gunicorn (PyPI, pinned in
# tests/httpbin/requirements.txt, into .venv) for the session's acceptance tests.
set -euo pipefail
cd "$(dirname "$0")"

FUZZ=1
QUICK=0
for arg in "$@"; do
    case "$arg" in
        --no-fuzz) FUZZ=0 ;;
        --quick) QUICK=1; FUZZ=0 ;;
        -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TARGETS=(parse_response chunked client_call set_cookie cookie_date cookies_txt location)

started=$(date +%s)
log=$(mktemp -t tarry-test.XXXXXX)
soak_log=
soak_pid=
nginx_bin=
nginx_dir=
nginx_pid=
httpbin_pids=()
httpbin_url=
proxy_pids=()
proxy_port=
proxy_dir=
policy_added=0
# Ends exactly what this script started (the soak, then nginx, by pid) and removes its files.
# Only `if`s, so that the trap's own status never replaces the script's.
cleanup() {
    if [ -n "$soak_pid" ]; then kill "$soak_pid" 2>/dev/null || true; fi
    for pid in "${proxy_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$proxy_dir" ]; then rm -rf "$proxy_dir"; fi
    for pid in "${httpbin_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    if [ "$policy_added" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
    if [ -n "$nginx_dir" ]; then rm -rf "$nginx_dir"; fi
    rm -f "$log" "$soak_log"
}
trap cleanup EXIT
# Interrupted or terminated, exit through the EXIT trap too, so nginx never outlives the script.
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n==> %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

# ---------------------------------------------------------------- install what is missing
step "toolchain"
command -v cargo >/dev/null || { echo "test.sh: cargo not found; install Rust with rustup" >&2; exit 1; }
if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
cargo --version

# Debian's `nginx` package (since bookworm's security updates it holds the binary itself;
# nginx-light and the like only add modules). A policy-rc.d that says "no" keeps the package's
# own service from starting on port 80 while it installs; the package lists are fetched only if
# the install fails without them.
install_debian() {
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@")
    "${install[@]}" || { apt-get update -q && "${install[@]}"; }
    if [ "$policy_added" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        policy_added=0
    fi
}

step "nginx (the pool's real peer in the soak test)"
nginx_bin=
if [ "$QUICK" = 1 ]; then echo "skipped with --quick"; else
nginx_bin=$(command -v nginx || true)
if [ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ]; then nginx_bin=/usr/sbin/nginx; fi
if [ -z "$nginx_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    install_debian nginx
    nginx_bin=/usr/sbin/nginx
fi
if [ -n "$nginx_bin" ]; then
    "$nginx_bin" -v
else
    echo "test.sh: no nginx, and installing it needs root and apt-get: the soak test will say" \
        "skipped (and fail under CI=true)"
fi
fi

step "tinyproxy and microsocks (real HTTP and SOCKS5 proxies for the session's proxy tests)"
if ! command -v tinyproxy >/dev/null || ! command -v microsocks >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        install_debian tinyproxy microsocks
    fi
fi
if command -v tinyproxy >/dev/null && command -v microsocks >/dev/null; then
    tinyproxy -v
else
    echo "test.sh: no tinyproxy or microsocks, and installing them needs root and apt-get: the" \
        "proxy tests will say skipped (and fail under CI=true)"
fi

step "httpbin (the session's acceptance peer) in .venv"
command -v python3 >/dev/null || { echo "test.sh: python3 not found; it runs httpbin" >&2; exit 1; }
# Reinstalled only when the pinned list changes.
if ! cmp -s tests/httpbin/requirements.txt .venv/requirements.txt; then
    rm -rf .venv
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/httpbin/requirements.txt
    cp tests/httpbin/requirements.txt .venv/requirements.txt
fi
.venv/bin/gunicorn --version

# ---------------------------------------------------------------- static checks
step "cargo fmt --check"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)

step "rust-version: no locked dependency asks for a newer Rust than the workspace's"
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
def version(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))
ours = {p["rust_version"] for p in meta["packages"] if p["source"] is None}
assert len(ours) == 1, f"workspace crates disagree on rust-version: {ours}"
floor = version(ours.pop())
newer = [" ".join((p["name"], p["version"], "needs", p["rust_version"])) for p in meta["packages"]
         if p.get("rust_version") and version(p["rust_version"]) > floor]
print("rust-version", ".".join(map(str, floor)) + ":", "every dependency fits" if not newer else newer)
sys.exit(1 if newer else 0)
'

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# ---------------------------------------------------------------- tests
# Starts nginx (tests/nginx/nginx.conf.in) in the foreground of a background job on a free
# loopback port, everything it reads and writes under one temp dir; sets nginx_pid and exports
# TARRY_NGINX_URL and TARRY_NGINX_ACCESS_LOG. nginx writes its pid file once its socket is bound,
# and exits when the port is taken, so the port is simply tried again.
start_nginx() {
    nginx_dir=$(mktemp -d -t tarry-nginx.XXXXXX)
    mkdir "$nginx_dir/www"
    cp tests/nginx/soak.txt "$nginx_dir/www/"
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        # Below Linux's ephemeral ports (32768 up), so no outgoing connection holds it.
        port=$((20000 + RANDOM % 12000))
        sed -e "s|@DIR@|$nginx_dir|g" -e "s|@PORT@|$port|g" \
            -e "s|@USER@|$(id -un)|g" -e "s|@GROUP@|$(id -gn)|g" \
            tests/nginx/nginx.conf.in >"$nginx_dir/nginx.conf"
        rm -f "$nginx_dir/nginx.pid"
        "$nginx_bin" -p "$nginx_dir/" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" &
        nginx_pid=$!
        for _ in $(seq 100); do
            if [ -s "$nginx_dir/nginx.pid" ] || ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
            sleep 0.05
        done
        if [ "$(cat "$nginx_dir/nginx.pid" 2>/dev/null)" = "$nginx_pid" ]; then
            export TARRY_NGINX_URL="http://127.0.0.1:$port"
            export TARRY_NGINX_ACCESS_LOG="$nginx_dir/access.log"
            echo "nginx (pid $nginx_pid) on $TARRY_NGINX_URL"
            return 0
        fi
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
        nginx_pid=
        echo "nginx did not start on port $port (attempt $attempt):"
        tail -n 3 "$nginx_dir/error.log" 2>/dev/null || true
    done
    echo "test.sh: nginx did not start" >&2
    return 1
}

# Waits until process `$1` accepts on 127.0.0.1 port `$2`, checking `$3` times 0.1 s apart.
# If it never does (or exits first, as when its port is taken), stops it and fails.
await_listening() {
    local pid=$1 port=$2 tries=$3
    for _ in $(seq "$tries"); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
}

# Starts one httpbin under gunicorn's threaded worker (so connections are really kept alive)
# on a free loopback port; appends its pid to httpbin_pids and sets httpbin_url.
start_httpbin() {
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 12000))
        .venv/bin/gunicorn --worker-class gthread --threads 16 --keep-alive 5 \
            --bind "127.0.0.1:$port" --log-level warning httpbin:app >&2 &
        local pid=$!
        if await_listening "$pid" "$port" 100; then
            httpbin_pids+=("$pid")
            httpbin_url="http://127.0.0.1:$port"
            return 0
        fi
        echo "httpbin did not start on port $port (attempt $attempt)" >&2
    done
    echo "test.sh: httpbin did not start" >&2
    return 1
}

step "httpbin: two instances (the second is another origin for cross-origin redirects)"
start_httpbin
export TARRY_HTTPBIN_URL=$httpbin_url
start_httpbin
export TARRY_HTTPBIN2_URL=$httpbin_url
echo "httpbin on $TARRY_HTTPBIN_URL and $TARRY_HTTPBIN2_URL"

# Starts tinyproxy in the foreground of a background job on a free loopback port, its config
# and log under one temp dir; `$1` is a name, `$2` an optional "user password" for BasicAuth.
# Sets proxy_port; appends the pid to proxy_pids.
start_tinyproxy() {
    local name=$1 auth=${2:-} attempt port conf
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 12000))
        conf="$proxy_dir/$name.conf"
        {
            echo "Port $port"
            echo "Listen 127.0.0.1"
            echo "Timeout 30"
            echo "MaxClients 64"
            echo "Allow 127.0.0.1"
            echo "DisableViaHeader Yes"
            echo "LogFile \"$proxy_dir/$name.log\""
            echo "LogLevel Connect"
            if [ -n "$auth" ]; then echo "BasicAuth $auth"; fi
        } >"$conf"
        tinyproxy -d -c "$conf" >>"$proxy_dir/$name.out" 2>&1 &
        local pid=$!
        if await_proxy "$pid" "$port"; then return 0; fi
    done
    echo "test.sh: tinyproxy did not start" >&2
    return 1
}

# Waits (5 s at most) until proxy `$1` (a pid) accepts on 127.0.0.1 port `$2`: then records
# it in proxy_pids and proxy_port. Otherwise it has been stopped, and the caller tries another
# port (the process exits at once when its port is taken).
await_proxy() {
    await_listening "$1" "$2" 50 || return 1
    proxy_pids+=("$1")
    proxy_port=$2
}

# Starts microsocks on a free loopback port; `$@` are extra options (-u user -P password).
start_microsocks() {
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 12000))
        microsocks -i 127.0.0.1 -p "$port" "$@" >>"$proxy_dir/microsocks.out" 2>&1 &
        local pid=$!
        if await_proxy "$pid" "$port"; then return 0; fi
    done
    echo "test.sh: microsocks did not start" >&2
    return 1
}

if command -v tinyproxy >/dev/null && command -v microsocks >/dev/null; then
    step "proxies: tinyproxy (open, and with Basic auth) and microsocks (open, and with a password)"
    proxy_dir=$(mktemp -d -t tarry-proxies.XXXXXX)
    start_tinyproxy open
    export TARRY_TINYPROXY_URL="http://127.0.0.1:$proxy_port"
    export TARRY_TINYPROXY_LOG="$proxy_dir/open.log"
    start_tinyproxy auth "tarry s3cret"
    export TARRY_TINYPROXY_AUTH_URL="http://127.0.0.1:$proxy_port"
    start_microsocks
    export TARRY_SOCKS_URL="socks5://127.0.0.1:$proxy_port"
    start_microsocks -u tarry -P s3cret
    export TARRY_SOCKS_AUTH_URL="socks5://127.0.0.1:$proxy_port"
    echo "tinyproxy on $TARRY_TINYPROXY_URL and $TARRY_TINYPROXY_AUTH_URL (tarry:s3cret)," \
        "microsocks on $TARRY_SOCKS_URL and $TARRY_SOCKS_AUTH_URL (tarry:s3cret)"
fi

# The soak (tests/it/nginx_soak.rs) sleeps for ~12 minutes, so it runs in the background from
# here to the summary, straight from its binary (a running `cargo test` would hold the build
# directory lock), and the main run below skips it. `--workspace` builds the binary with the
# same features as that run, so the run finds it fresh.
if [ "$QUICK" = 0 ]; then
step "nginx soak: build, start nginx, run the soak in the background"
it_bin=$(cargo test --workspace --test it --no-run --locked --message-format=json-render-diagnostics |
    sed -n 's/.*"executable":"\([^"]*\/it-[0-9a-f]*\)".*/\1/p')
[ -x "$it_bin" ] || { echo "test.sh: cargo named no test binary 'it'" >&2; exit 1; }
if [ -n "$nginx_bin" ]; then start_nginx; fi
soak_log=$(mktemp -t tarry-soak.XXXXXX)
(cd tests && exec "$it_bin" nginx_soak::real_peer_soak --exact --nocapture) >"$soak_log" 2>&1 &
soak_pid=$!
echo "soak (pid $soak_pid) writing to $soak_log"
fi

step "cargo test (unit, integration, doc)"
cargo test --workspace --locked -- --skip nginx_soak::real_peer_soak 2>&1 | tee -a "$log"

step "RFC 6265 conformance summary (the IETF http-state suite, vendored in crates/jar/tests/data/http-state)"
cargo test -p tarry-jar --test conformance --locked -- --nocapture 2>&1 | grep -E '^(rfc6265|  skipped)' || true

step "security catalogue summary (every row of docs/security.md has a named test)"
cargo test -p tarry-tests --test it --locked catalogue:: -- --nocapture 2>&1 | grep -E '^bad-inputs' || true

if [ "$QUICK" = 0 ]; then

# tests/load (soak, cancellation, exhaustion) ran small in debug above; here the soak runs its
# full 200,000 requests, in release so that it fits in about two minutes.
step "load tests in release: soak of 200,000 requests, 10,000 cancellations, exhaustion"
TARRY_LOAD_REQUESTS=200000 cargo test --release --locked -p tarry-tests --test load -- --nocapture 2>&1 |
    tee -a "$log" | grep -E '^(soak|cancel):|^test |test result|panicked|failed'

# Feature combinations, listed rather than a full powerset: each optional piece alone on top
# of the minimal build (clippy: it compiles and lints clean), the minimal builds tested, and
# everything together tested. Doc examples use the default features, so the minimal builds
# run unit and integration tests only.
step "tarry-jar: no default features, each feature alone, all features"
cargo clippy -p tarry-jar --no-default-features --all-targets --locked -- -D warnings
for feature in public-suffix json cookie; do
    cargo clippy -p tarry-jar --no-default-features --features "$feature" --all-targets --locked -- -D warnings
done
cargo test -p tarry-jar --no-default-features --locked --lib --tests 2>&1 | tee -a "$log"
cargo test -p tarry-jar --all-features --locked 2>&1 | tee -a "$log"

step "tarry-session: minimal, minimal + blocking, each feature alone, all features"
cargo clippy -p tarry-session --no-default-features --all-targets --locked -- -D warnings
for feature in tls gzip brotli json charset public-suffix multipart digest tracing blocking cookie; do
    cargo clippy -p tarry-session --no-default-features --features "$feature" --all-targets --locked -- -D warnings
done
cargo clippy -p tarry-session --all-features --all-targets --locked -- -D warnings
cargo test -p tarry-session --no-default-features --locked --lib --tests 2>&1 | tee -a "$log"
cargo test -p tarry-session --no-default-features --features blocking --locked --lib --tests 2>&1 | tee -a "$log"
cargo test -p tarry-session --all-features --locked --lib --test api --test blocking --test events 2>&1 | tee -a "$log"
cargo test -p tarry-session --no-default-features --features tracing --locked --lib --test events 2>&1 | tee -a "$log"

step "tarry-pool without TLS (plain HTTP only), and without TLS but with tracing"
cargo clippy -p tarry-pool --no-default-features --all-targets --locked -- -D warnings
cargo test -p tarry-pool --no-default-features --locked 2>&1 | tee -a "$log"
cargo clippy -p tarry-pool --no-default-features --features tracing --all-targets --locked -- -D warnings
cargo test -p tarry-pool --no-default-features --features tracing --locked --test events 2>&1 | tee -a "$log"

step "WIRE-25 in release (the http crate's debug assertions hide the codec's own check)"
cargo test --release --locked -p tarry-wire --test fixtures wire_25 2>&1 | tee -a "$log"
# The borrowed head's property tests forge CR, LF, NUL and DEL values only in release, where
# the http crate does not assert them away.
cargo test --release --locked -p tarry-wire --test proptests parts 2>&1 | tee -a "$log"

step "benches, once each (criterion test mode: proves they build and run)"
cargo test -p tarry-benches --benches --locked 2>&1 | tee -a "$log"

# The peers bench is its own workspace (reqwest, hyper-util, ureq) and is not run here, but it
# builds on tarry-cli, tarry-pool and tarry-session: lint it so that their changes cannot
# leave it broken.
step "peers bench (benches/peers): fmt and clippy, not run"
cargo fmt --manifest-path benches/peers/Cargo.toml --check
cargo clippy --manifest-path benches/peers/Cargo.toml --all-targets --locked -- -D warnings

# The footprint programs (benches/footprint) are their own workspace too, with reqwest and
# ureq: lint them, and leave the clean timed builds to `benches/footprint/run.sh`.
step "footprint bench (benches/footprint): fmt and clippy, not run"
cargo fmt --manifest-path benches/footprint/Cargo.toml --all --check
cargo clippy --manifest-path benches/footprint/Cargo.toml --workspace --all-targets --locked -- -D warnings

step "cargo doc -D warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

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

fi

# ---------------------------------------------------------------- the soak, finished
if [ "$QUICK" = 0 ]; then
step "nginx soak: waiting for the background run"
soak_status=0
wait "$soak_pid" || soak_status=$?
soak_pid=
tee -a "$log" <"$soak_log"
if [ "$soak_status" != 0 ]; then
    if [ -n "$nginx_dir" ]; then
        echo "--- nginx error log (last lines)"
        tail -n 20 "$nginx_dir/error.log" || true
    fi
    echo "test.sh: the nginx soak failed (exit $soak_status)" >&2
    exit 1
fi
fi

# ---------------------------------------------------------------- summary
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')
echo
echo "test.sh finished in $(($(date +%s) - started))s"
echo "tests: $passed passed, $failed failed"
