#!/usr/bin/env bash
# Month-end close (månadsbokslut) for the invented example kommun in examples/budgets.
#
#   examples/month-end-close.sh [PERIOD] [OUTDIR]
#
# 1. validates the budget files (totals reconcile; what check finds goes to stderr, with the reason it stopped),
# 2. stops when a stab's year-to-date deviation is beyond LIMIT and has no kommentar for PERIOD,
# 3. writes the month's tables as CSV (for Excel and scripts) and Markdown (for the report)
#    into a folder named after the period.
# Nothing is written when a check fails. Set KFOLLOW_BUDGETS to run it on your own files,
# and KFOLLOW to the command to run (default: kfollow).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
period="${1:-2024-10}"
out="${2:-$here/out/$period}"
limit="${LIMIT:-5%}"
export KFOLLOW_BUDGETS="${KFOLLOW_BUDGETS:-$here/budgets}"
read -r -a kfollow <<< "${KFOLLOW:-kfollow}"
year="${period%-*}"

echo "månadsbokslut $period: $KFOLLOW_BUDGETS" >&2
"${kfollow[@]}" check >&2  # findings on stderr too: a job that mails stderr has the reason
"${kfollow[@]}" check --period "$period" --require-comment-over "$limit" >&2

mkdir -p "$out"
"${kfollow[@]}" deviation --period "$period" --format csv -o "$out/avvikelse-per-stab.csv"
"${kfollow[@]}" deviation --period "$period" --by forvaltning --format csv -o "$out/avvikelse-per-forvaltning.csv"
"${kfollow[@]}" deviation --period "$period" --comments --format md -o "$out/avvikelse-per-stab.md"
"${kfollow[@]}" deviation --period "$period" --format json -o "$out/avvikelse-per-stab.json"
echo "klart: $out" >&2
