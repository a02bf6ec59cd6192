#!/usr/bin/env bash
# Start-up time of a client command: `./coffer secret get` against a running `./coffer serve`,
# next to the same read with curl, and next to the jar run without the launcher's help.
#
#   reference-server/src/test/bench/cli-startup.sh              20 runs of each, after 2 warm-up runs
#   RUNS=50 reference-server/src/test/bench/cli-startup.sh
#   BEFORE_JAR=/tmp/old/coffer.jar reference-server/src/test/bench/cli-startup.sh   adds a row for an older build
#
# It starts its own in-memory server on a free loopback port with a throw-away data directory and
# stops it at the end. With hyperfine installed (Debian: apt-get install hyperfine) it measures with
# hyperfine; otherwise (or with BENCH_TOOL=bash) with bash and date. Prints mean and median per row.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
runs="${RUNS:-20}"
tool="${BENCH_TOOL:-$(command -v hyperfine >/dev/null && echo hyperfine || echo bash)}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cd "$repo"
"$repo/coffer" serve --port 0 --in-memory --data "$work/data" > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 300); do
    url="$(sed -n 's/^Coffer listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")"
    [[ -n "$url" && -f "$work/data/admin.token" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
    sleep 0.3
done
[[ -n "$url" ]] || { echo "cli-startup: the server did not start" >&2; exit 1; }
export COFFER_CLI_URL="$url" COFFER_CLI_TOKEN_FILE="$work/data/admin.token"
unset JAVA_OPTS COFFER_CDS

"$repo/coffer" secret create bench/startup --owner-team bench > /dev/null
head -c 24 /dev/urandom | base64 | "$repo/coffer" secret put bench/startup > /dev/null
# curl reads the Authorization header from a file, so the token is in no process's arguments.
(umask 077 && printf 'Authorization: Bearer %s\n' "$(cat "$COFFER_CLI_TOKEN_FILE")" > "$work/auth.header")

jar="$repo/reference-server/target/coffer.jar"
names=("./coffer secret get (launcher: copy, CDS archive, client JVM flags)"
       "java -jar target/coffer.jar secret get (no launcher)"
       "COFFER_CDS=off ./coffer secret get (launcher without the archive)"
       "curl (the same GET)")
commands=("$repo/coffer secret get bench/startup"
          "java -jar $jar secret get bench/startup"
          "env COFFER_CDS=off $repo/coffer secret get bench/startup"
          "curl -sf -o /dev/null -H @$work/auth.header $url/v1/secrets/bench/startup")
if [[ -n "${BEFORE_JAR:-}" ]]; then
    names+=("java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar \$BEFORE_JAR secret get (the old launcher's command)")
    commands+=("java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar $BEFORE_JAR secret get bench/startup")
fi
for c in "${commands[@]}"; do
    # shellcheck disable=SC2086
    $c > /dev/null || { echo "cli-startup: failed: $c" >&2; exit 1; }
done

echo "cli-startup: $runs runs each after 2 warm-up runs, measured with $tool; server $url; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
if [[ "$tool" == "hyperfine" ]]; then
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/bench.json" "${commands[@]}" > "$work/hyperfine.out"
    means=($(grep -o '"mean": [0-9.e-]*' "$work/bench.json" | cut -d' ' -f2))
    medians=($(grep -o '"median": [0-9.e-]*' "$work/bench.json" | cut -d' ' -f2))
    for i in "${!names[@]}"; do
        awk -v n="${names[$i]}" -v mean="${means[$i]}" -v median="${medians[$i]}" \
            'BEGIN { printf "%8.0f ms mean %8.0f ms median   %s\n", mean * 1000, median * 1000, n }'
    done
else
    for i in "${!names[@]}"; do
        # shellcheck disable=SC2086
        for _ in 1 2; do ${commands[$i]} > /dev/null; done
        : > "$work/times"
        for _ in $(seq 1 "$runs"); do
            start=$(date +%s%N)
            # shellcheck disable=SC2086
            ${commands[$i]} > /dev/null
            echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/times"
        done
        sort -n "$work/times" | awk -v n="${names[$i]}" '{ t[NR] = $1; sum += $1 }
            END { median = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                  printf "%8.0f ms mean %8.0f ms median   %s\n", sum / NR, median, n }'
    done
fi
