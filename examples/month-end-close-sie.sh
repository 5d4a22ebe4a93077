#!/usr/bin/env bash
# Month-end close (månadsbokslut) with utfall from the ekonomisystem's SIE 4 export.
#
#   examples/month-end-close-sie.sh [PERIOD] [OUTDIR]
#
# 1. imports this year's and last year's utfall from examples/sie/exempelby.se into the fact tables
#    that examples/sie/budgets/*.yaml name under utfall_fil (stops if the export's own #PSALDO
#    totals disagree, or an account or ansvar is not in the mapping),
# 2. then closes exactly as month-end-close.sh does: check, required comments, the month's tables.
# Set SIE to another export, MAPPING to another mapping, KFOLLOW to the command to run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
period="${1:-2024-10}"
out="${2:-$here/out-sie/$period}"
sie="${SIE:-$here/sie/exempelby.se}"
mapping="${MAPPING:-$here/sie/mapping.yaml}"
export KFOLLOW_BUDGETS="${KFOLLOW_BUDGETS:-$here/sie/budgets}"
read -r -a kfollow <<< "${KFOLLOW:-kfollow}"
year="${period%-*}"

"${kfollow[@]}" import sie "$sie" --mapping "$mapping" --year "$year" -o "$KFOLLOW_BUDGETS/utfall-$year.csv"
"${kfollow[@]}" import sie "$sie" --mapping "$mapping" --year "$((year - 1))" -o "$KFOLLOW_BUDGETS/utfall-$((year - 1)).csv"
KFOLLOW="${KFOLLOW:-kfollow}" exec "$here/month-end-close.sh" "$period" "$out"
