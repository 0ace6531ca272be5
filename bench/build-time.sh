#!/usr/bin/env bash
# Build-time benchmark of the schema crates (issue: compile time is a product
# feature). Measures, with every dependency already built:
#   1. clean build of schema-macros (the proc-macro crate alone);
#   2. clean build of schema-defs (38 tables: expansion + type check + codegen),
#      and beside it the same tables with builders only (no factories:
#      `--no-default-features`, what a crate that only inserts builds);
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
measure "schema-defs clean build (38 tables)" "cargo clean -q -p schema-defs" "cargo build -q -p schema-defs"
measure "schema-defs clean build, builders only" "cargo clean -q -p schema-defs" "cargo build -q -p schema-defs --no-default-features"
measure "schema-defs rebuild after touching clients.rs" "touch schema-defs/src/tenant/clients.rs" "cargo build -q -p schema-defs"
measure "schema-defs check after touching clients.rs" "touch schema-defs/src/tenant/clients.rs" "cargo check -q -p schema-defs"
