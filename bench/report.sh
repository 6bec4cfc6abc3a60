#!/usr/bin/env bash
# Every benchmark in one run, for the tables in bench/README.md: one markdown file with the
# commit, the machine and its load before each script, and each script's own tables.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/rw_bench REDIS_URL=redis://127.0.0.1:6379/9 \
#     bench/report.sh /tmp/bench.md
#
# The numbers mean something only on an idle machine: the script says the load before each
# step, and refuses to start above a load of 1.5 unless BENCH_ANY_LOAD=1.
# lists.py and load.py write into databases of their own, named after DATABASE_URL's
# (…_lists_demo, …_lists_4, …_unpaginated_1, …_unpaginated_4, …_load); the other scripts make and drop test_bench_<script>.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?bench/report.sh OUT.md}"
: "${DATABASE_URL:?PostgreSQL: DATABASE_URL}"
: "${REDIS_URL:?Redis: REDIS_URL}"
# Nine rounds: with five, one slow round on this 2-core VM moved a median past a goal in
# one run of two (04.12.2026: the circular task 1.02 and 1.21, a last page 1.17 and 1.50).
ROUNDS="${BENCH_ROUNDS:-9}"
# BENCH_SMOKE=1: each script once with the fewest rounds, to see that all of them still run.
if [ "${BENCH_SMOKE:-0}" = 1 ]; then
  ROUNDS=1 RENDERS=3 REQUESTS=4 SECONDS_PER=3 BENCH_ANY_LOAD=1
else
  RENDERS=50 REQUESTS=48 SECONDS_PER=20
fi

export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false DJANGO_STATIC_MANIFEST=false
py=.venv/bin/python
base="${DATABASE_URL%/*}"
name="${DATABASE_URL##*/}"

load1() { cut -d' ' -f1 /proc/loadavg; }
if [ "${BENCH_ANY_LOAD:-0}" != 1 ] && awk "BEGIN{exit !($(load1) > 1.5)}"; then
  echo "Last $(load1): die Maschine ist nicht ruhig (BENCH_ANY_LOAD=1 erzwingt den Lauf)." >&2
  exit 1
fi

step() {
  local started=$SECONDS
  printf '\n<!-- %s -->\n' "$*" >>"$out"
  echo "==> $* (Last $(cut -d' ' -f1-3 /proc/loadavg))"
  "$@"
  echo "    $((SECONDS - started)) s"
  printf '\n_%s: %s s, Last danach %s_\n' "${*:1:2}" "$((SECONDS - started))" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
}

{
  echo "# Lauf $(date -u '+%d.%m.%Y %H:%M UTC'), Commit $(git rev-parse --short HEAD)"
  echo
  echo "$(nproc) Kerne, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
    "PostgreSQL $(psql "$base/postgres" -tAc 'show server_version' 2>/dev/null || echo ?)," \
    "Last zu Beginn $(cut -d' ' -f1-3 /proc/loadavg), Runden $ROUNDS."
} >"$out"

for db in lists_demo lists_4 load unpaginated_1 unpaginated_4; do
  PGOPTIONS=--client-min-messages=warning psql "$base/postgres" -qc "DROP DATABASE IF EXISTS ${name}_$db" -c "CREATE DATABASE ${name}_$db"
done

# Issue 15's goals first (lists, unpaginated pages, PDFs, load), so that a run cut short
# still has them; then the rest.
# The lists at demo size are measured in the same run as at 4x, interleaved (--demo).
DATABASE_URL="$base/${name}_lists_demo" step $py bench/lists.py --seed demo --prepare-only
DATABASE_URL="$base/${name}_lists_4" \
  step $py bench/lists.py --seed 4 --rounds "$ROUNDS" --warmup 2 --demo "${name}_lists_demo" \
  --markdown "$out"
DATABASE_URL="$base/${name}_unpaginated_1" \
  step $py bench/unpaginated.py --seed 1 --rounds "$ROUNDS" --warmup 1 --pdf-rounds 3 --markdown "$out"
DATABASE_URL="$base/${name}_unpaginated_4" \
  step $py bench/unpaginated.py --seed 4 --rounds "$ROUNDS" --warmup 1 --markdown "$out"
step $py bench/renderings.py --rounds "$ROUNDS" --warmup 1 --overview-rounds 3 --request-rounds 30 \
  --worker-renders "$RENDERS" --markdown "$out"
DATABASE_URL="$base/${name}_load" step $py bench/load.py --requests "$REQUESTS" --seconds "$SECONDS_PER" --markdown "$out"
step $py bench/exports.py --factor 4 --markdown "$out"
step $py bench/measures.py --rounds "$ROUNDS" --warmup 1 --markdown "$out"
step $py bench/measures.py --factor 4 --rounds "$ROUNDS" --warmup 1 --markdown "$out"
step $py bench/accessions.py --rounds "$ROUNDS" --warmup 1 --pdf-rounds 3 --markdown "$out"
step $py bench/jobcenter_list.py --rounds "$ROUNDS" --warmup 2 --markdown "$out"
step $py bench/pdf_uploads.py --markdown "$out"

for db in lists_demo lists_4 load unpaginated_1 unpaginated_4; do
  PGOPTIONS=--client-min-messages=warning psql "$base/postgres" -qc "DROP DATABASE IF EXISTS ${name}_$db"
done
echo "fertig: $out"
