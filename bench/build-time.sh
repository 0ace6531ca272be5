#!/usr/bin/env bash
# Build-time benchmark of the schema crates (issue: compile time is a product
# feature). Measures, with every dependency already built:
#   1. clean build of schema-macros (the proc-macro crate alone);
#   2. clean build of schema-defs (38 tables: expansion + type check + codegen),
#      and beside it the same tables with builders only (no factories:
#      `--no-default-features`, what a crate that only inserts builds),
#      the two alternated round by round, with the ratio of each round;
#   3. rebuild of schema-defs after touching one table file (tenant/clients.rs);
#   4. `cargo check` of schema-defs after the same touch (what an editor waits for).
# Each is run RUNS times (default 3); the median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # name, setup command, measured command
  local name=$1 setup=$2 cmd=$3 t
  for _ in $(seq "$RUNS"); do
    eval "$setup" >/dev/null 2>&1
    local start; start=$(now)
    eval "$cmd" >/dev/null 2>&1
    awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }'
  done | median | xargs printf "%-48s %6.2f s\n" "$name"
}

cargo build -q -p schema-defs
cargo build -q -p schema-defs --no-default-features
cargo check -q -p schema-defs
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(rustc --version)"
echo "runs: $RUNS (median)"
measure "schema-macros clean build" "cargo clean -q -p schema-macros" "cargo build -q -p schema-macros"
# Both feature sets of schema-core and schema-macros back in place, untimed.
cargo build -q -p schema-defs && cargo build -q -p schema-defs --no-default-features
# The two clean builds alternate round by round, and the ratio is taken per
# round: this machine's speed drifts by more than the difference measured.
for _ in $(seq "$RUNS"); do
  for features in "" "--no-default-features"; do
    cargo clean -q -p schema-defs
    start=$(now)
    cargo build -q -p schema-defs $features >/dev/null 2>&1
    awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%s ", a - b }'
  done
  echo
done | awk '{ print $1, $2, $1 / $2 }' > "${TMPDIR:-/tmp}/build-time.$$"
for column in 1 2 3; do
  awk -v c=$column '{ print $c }' "${TMPDIR:-/tmp}/build-time.$$" | median
done | paste -sd' ' | awk '{
  printf "%-48s %6.2f s\n", "schema-defs clean build (38 tables)", $1
  printf "%-48s %6.2f s\n", "schema-defs clean build, builders only", $2
  printf "%-48s %6.2f x (median of the rounds'"'"' ratios; target <= 1.5)\n", "clean build / builders only, same round", $3
}'
rm -f "${TMPDIR:-/tmp}/build-time.$$"
measure "schema-defs rebuild after touching clients.rs" "touch schema-defs/src/tenant/clients.rs" "cargo build -q -p schema-defs"
measure "schema-defs check after touching clients.rs" "touch schema-defs/src/tenant/clients.rs" "cargo check -q -p schema-defs"
