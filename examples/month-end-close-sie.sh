#!/usr/bin/env bash
# Month-end close (månadsbokslut) with utfall and budget from the ekonomisystem's SIE 4 export.
#
#   examples/month-end-close-sie.sh [PERIOD] [OUTDIR]      # PERIOD: YYYY-MM, default 2024-10
#
# 1. imports this year's utfall (#TRANS) and budget (#PBUDGET) from examples/sie/exempelby.se into
#    the fact tables that examples/sie/budgets/*.yaml name under utfall_fil and budget_fil (utfall-YYYY.csv
#    and budget-YYYY.csv, or .parquet where the year files name those), and last year's where its tables are missing, or from SIE_PREVIOUS (last year's final export: an export
#    holds the vouchers of its own year only; the example's holds both) (stops, writing nothing, if an
#    export's own #PSALDO totals disagree, or an account or ansvar is not in the mapping),
# 2. closes exactly as month-end-close.sh does: check, required comments, the month's tables,
# 3. and, since the facts have accounts, explains: the deviation per stab and kostnadsslag, and
#    the TOP largest deviations at that grain (what the controller has to explain).
# Set SIE to another export, SIE_PREVIOUS to last year's, MAPPING to another mapping, KFOLLOW to the command to run,
# LIMIT for the comment threshold (default 5%) and TOP for the largest deviations listed (default 10): a LIMIT or TOP
# that is none (a LIMIT as kfollow reads it: kfollow is asked), as a period not written YYYY-MM, stops it with exit 2
# before anything is read or written, and a KFOLLOW that names no command with exit 127, in one line.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
period="${1:-2024-10}"
out="${2:-$here/out-sie/$period}"
sie="${SIE:-$here/sie/exempelby.se}"
mapping="${MAPPING:-$here/sie/mapping.yaml}"
top="${TOP:-10}"
export KFOLLOW_BUDGETS="${KFOLLOW_BUDGETS:-$here/sie/budgets}"
read -r -a kfollow <<< "${KFOLLOW:-kfollow}"
year="${period%-*}"
# a month alone (10), which kfollow's --period reads as that month of the latest year, gave the import the year 10:
# 'exempelby.se has no year 10' (found trying the month-end close as a controller, h146)
if [[ ! "$period" =~ ^[0-9]{4}-[0-9]{2}$ ]]; then
  echo "Error: period '$period': write the month with its year, YYYY-MM (e.g. 2024-10): the import takes the export's year from it; nothing written" >&2
  exit 2
fi
# what the close takes from the environment is checked before anything is imported: TOP=x stopped with typer's
# usage error in English (Invalid value for '--top') and LIMIT=x with one of --require-comment-over, exit 2, once
# the imported tables were in place and before any table of the close was written (found in review, h149)
limit="${LIMIT:-5%}"
# kfollow itself judges LIMIT, as the close will read it (KFOLLOW_UNIT too), before anything is read or written: a
# pattern here passed LIMIT=99999999999999999999999mnkr, which kfollow refuses as beyond any amount it holds, once the
# SIE close's imported tables were in place; and KFOLLOW=nonexist stopped with bash's 'command not found', exit 127,
# unexplained (found in review, h160). (check of no folder, /dev/null, reads the limit and stops, exit 4.)
if ! command -v "${kfollow[0]:-}" >/dev/null; then
  printf 'Error: the kfollow command %q was not found: install kfollow, or set KFOLLOW to the command that runs it, such as KFOLLOW=.venv/bin/kfollow; nothing written\n' "${kfollow[0]:-}" >&2
  exit 127
fi
status=0; said="$("${kfollow[@]}" check --budgets /dev/null --require-comment-over="$limit" 2>&1 >/dev/null)" || status=$?
if (( status == 2 )) && [[ "$said" == *--require-comment-over* ]]; then
  why="not a limit for the comments"
  if [[ "$said" == *"beyond any amount"* ]]; then why="beyond any amount kfollow holds"; fi
  printf 'Error: LIMIT=%q is %s: write an amount such as 500tkr, or a percent such as 3%% (unset: 5%%); nothing written\n' "$limit" "$why" >&2
  exit 2
fi
if (( status == 126 || status == 127 )); then printf '%s\n' "$said" >&2; exit "$status"; fi  # (KFOLLOW="env nonexist")
if [[ ! "$top" =~ ^[[:space:]]*0*([1-9][0-9]{0,8}|1000000000)[[:space:]]*$ ]]; then
  printf 'Error: TOP=%q is not a number of rows: write the number of largest deviations to list, 1 or more, such as 10 (unset: 10); nothing written\n' "$top" >&2
  exit 2
fi

# The years are imported into a staging copy of the year files (and of the tables they replace, which the
# import compares with), and the tables are moved into place only when every import passed: an export
# refused for last year (its #PSALDO) leaves this year's tables as they were too.
stage="$(mktemp -d "$KFOLLOW_BUDGETS/.import-XXXXXXXX")" || exit 4  # (a budgets folder it cannot write: input/output)
trap 'rm -rf "$stage"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM  # (bash ends by these without its EXIT trap)
# last year's books are closed: its tables are imported once (where missing), or again from SIE_PREVIOUS
previous="$((year - 1))"
# whether a year file names the table $2 under the key $1 (one name, a [list] or a list of - lines: README's "or a
# list"; found in review)
named() {
  local f
  for f in "$KFOLLOW_BUDGETS"/*.yaml "$KFOLLOW_BUDGETS"/*.yml; do
    [[ -f "$f" ]] || continue
    awk -v key="$1" -v want="$2" '
      /^[^[:space:]#-]/ { on = (index($0, key) == 1 && substr($0, length(key) + 1) ~ /^[[:space:]]*:/) }
      on { line = $0; sub(/#.*/, "", line); gsub(/[][,"'"'"'[:space:]]+/, " ", line)
           n = split(line, word, " "); for (i = 1; i <= n; i++) if (word[i] == want) found = 1 }
      END { exit !found }' "$f" && return 0
  done
  return 1
}
# a year's table of utfall or budget ($1) is KIND-YEAR.parquet where the year files name that, else KIND-YEAR.csv (a
# kommun whose year files name Parquet tables had utfall-2024.csv written, not named, and the close stopped; found by
# a new user, h140)
table() {
  if named "$1_fil" "$1-$2.parquet"; then echo "$1-$2.parquet"; else echo "$1-$2.csv"; fi
}
# a year whose file names no budget table (a year typed with its utfall only) has none to import or to miss
budgeted() {
  named budget_fil "budget-$1.csv" || named budget_fil "budget-$1.parquet"
}
years=("$year")
if [[ -n "${SIE_PREVIOUS:-}" || ! -f "$KFOLLOW_BUDGETS/$(table utfall "$previous")" ]] \
    || { budgeted "$previous" && [[ ! -f "$KFOLLOW_BUDGETS/$(table budget "$previous")" ]]; }; then
  years+=("$previous")
fi
tables=()
for y in "${years[@]}"; do
  utfall="$(table utfall "$y")"; budget="$(table budget "$y")"
  tables+=("$utfall.kalla.json" "$utfall" "$budget.kalla.json" "$budget")  # each note before its table
done
for f in "$KFOLLOW_BUDGETS"/*.yaml "$KFOLLOW_BUDGETS"/*.yml "${tables[@]/#/$KFOLLOW_BUDGETS/}"; do
  if [[ -f "$f" ]]; then cp -p "$f" "$stage/" || exit 4; fi
done
for y in "${years[@]}"; do
  export_of="$sie"
  if [[ "$y" == "$previous" ]]; then export_of="${SIE_PREVIOUS:-$sie}"; fi
  budget_out=()
  if budgeted "$y"; then budget_out=(--budget-out "$stage/$(table budget "$y")"); fi
  # what the import says names the budgets folder, not the staging copy it read, which is gone once the script ends
  # (`stab 'DIGX' is not a stab of KSF in …/.import-W4uvbJB5/2024.yaml`; found by a new user, h140)
  status=0
  "${kfollow[@]}" import sie "$export_of" --mapping "$mapping" --year "$y" --budgets "$stage" \
    -o "$stage/$(table utfall "$y")" ${budget_out[@]+"${budget_out[@]}"} 2>"$stage/.said" || status=$?
  said="$(cat "$stage/.said")"  # (bash 3.2: an empty array is unset, above)
  if [[ -n "$said" ]]; then printf '%s\n' "${said//"$stage"/$KFOLLOW_BUDGETS}" >&2; fi
  if (( status != 0 )); then exit "$status"; fi
done
for f in "${tables[@]}"; do  # (a folder where a table goes would take the table into it: found in review, h129)
  if [[ -e "$KFOLLOW_BUDGETS/$f" && ! -f "$KFOLLOW_BUDGETS/$f" ]]; then
    echo "Error: $KFOLLOW_BUDGETS/$f is not a file (a folder?); nothing written: move it away and run again" >&2; exit 4
  fi
done
for f in "${tables[@]}"; do
  if [[ -f "$stage/$f" ]]; then mv -f "$stage/$f" "$KFOLLOW_BUDGETS/$f" || exit 4; fi
done
# the close with its explanation (EXPLAIN), so that all six tables are moved into place together
KFOLLOW="${KFOLLOW:-kfollow}" EXPLAIN=1 TOP="$top" "$here/month-end-close.sh" "$period" "$out"
quiet="${KFOLLOW_QUIET:-}"; quiet="${quiet//[[:space:]]/}"
if [[ -z "$quiet" || "$quiet" == 0 ]]; then echo "klart, med kostnadsslag: $out" >&2; fi
