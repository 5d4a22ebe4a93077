#!/usr/bin/env bash
# Month-end close (månadsbokslut) for the invented example kommun in examples/budgets.
#
#   examples/month-end-close.sh [PERIOD] [OUTDIR]      # PERIOD: YYYY-MM (default 2024-10), or the month alone (10)
#                                                      # of the latest year file; OUTDIR: default out/YYYY-MM here
#
# 1. validates the budget files (totals reconcile; what check finds goes to stderr, with the reason it stopped),
# 2. stops when a stab's year-to-date deviation is beyond LIMIT and has no kommentar for PERIOD,
# 3. writes the month's tables as CSV (for Excel and scripts) and Markdown (for the report)
#    into a folder named after the period; with EXPLAIN=1 (facts with accounts, as month-end-close-sie.sh
#    runs it) also the deviation per stab and kostnadsslag and the TOP largest deviations at that grain.
# Nothing is written when a check fails, and the tables are moved into place together when every one is
# written: a run that fails half way (a full disk) or is stopped leaves the previous run's tables as they were.
# Set KFOLLOW_BUDGETS to run it on your own files, KFOLLOW to the command to run (default: kfollow), LIMIT for the
# comment threshold (default 5%) and TOP for EXPLAIN's largest deviations (default 10): a LIMIT or TOP that is none
# (a LIMIT as kfollow reads it: kfollow is asked) stops it with exit 2 before anything is read or written, and a
# KFOLLOW that names no command with exit 127, in one line.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
period="${1:-2024-10}"
limit="${LIMIT:-5%}"
export KFOLLOW_BUDGETS="${KFOLLOW_BUDGETS:-$here/budgets}"
# a month alone (10), which kfollow's --period reads as that month of the latest year file, gave the tables the folder
# out/10 where month-end-close-sie.sh's are in out-sie/2024-10 (found in review, h149): it is written YYYY-MM here too
# (a folder without year files is left as given: check says why)
if [[ "$period" =~ ^[[:space:]]*(0?[1-9]|1[0-2])[[:space:]]*$ ]]; then
  month="${BASH_REMATCH[1]}"
  latest=""
  for f in "$KFOLLOW_BUDGETS"/[0-9][0-9][0-9][0-9].yaml "$KFOLLOW_BUDGETS"/[0-9][0-9][0-9][0-9].yml; do
    if [[ -e "$f" || -L "$f" ]]; then f="${f##*/}"; f="${f%%.*}"; if [[ "$f" > "$latest" ]]; then latest="$f"; fi; fi
  done
  if [[ -n "$latest" ]]; then period="$(printf '%s-%02d' "$latest" "$((10#$month))")"; fi
fi
out="${2:-$here/out/$period}"
read -r -a kfollow <<< "${KFOLLOW:-kfollow}"
year="${period%-*}"
quiet() {  # KFOLLOW_QUIET=1: nothing said when all is well (0, empty or blanks: not quiet, as kfollow reads it)
  local q="${KFOLLOW_QUIET:-}"; q="${q//[[:space:]]/}"; [[ -n "$q" && "$q" != 0 ]]
}

# LIMIT and TOP are checked before anything is read or written: TOP=x stopped with typer's usage error in English
# (Invalid value for '--top') once the tables before it were written, and LIMIT=x with one of --require-comment-over
# (found in review, h149)
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
if [[ -n "${EXPLAIN:-}" && ! "${TOP:-10}" =~ ^[[:space:]]*0*([1-9][0-9]{0,8}|1000000000)[[:space:]]*$ ]]; then
  printf 'Error: TOP=%q is not a number of rows: write the number of largest deviations to list, 1 or more, such as 10 (unset: 10); nothing written\n' "$TOP" >&2
  exit 2
fi

quiet || echo "månadsbokslut $period: $KFOLLOW_BUDGETS" >&2
"${kfollow[@]}" check >&2  # findings on stderr too: a job that mails stderr has the reason
"${kfollow[@]}" check --period "$period" --require-comment-over "$limit" >&2

# The tables are written into a staging folder in $out and moved into place only when every one is written:
# a table that cannot be written (a full disk) or a stop (systemd, kill) left the tables before it new and
# those after it from the previous run, under an error that said 'nothing written' (found by an IT operator
# scheduling the close, h128). Each table there is copied in first, so that it keeps its permissions.
# (a folder that cannot be made, as a file that cannot be written, is exit 4: README's input/output, not the
# exit 1 of a check that failed, which a job's monitoring reads as a comment missing; found by an IT operator, h128)
mkdir -p "$out" || exit 4
stage="$(mktemp -d "$out/.close-XXXXXXXX")" || exit 4
trap 'rm -rf "$stage"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM  # (bash ends by these without its EXIT trap)
tables=(avvikelse-per-stab.csv avvikelse-per-forvaltning.csv avvikelse-per-stab.md avvikelse-per-stab.json)
if [[ -n "${EXPLAIN:-}" ]]; then tables+=(avvikelse-per-stab-och-kostnadsslag.csv storsta-avvikelser.md); fi
# (a copy or a move that fails is input/output too, and a folder where a table goes would take the table into it
# and the close say 'klart': found in review, h129)
for f in "${tables[@]}"; do
  if [[ -e "$out/$f" && ! -f "$out/$f" ]]; then
    echo "Error: $out/$f is not a file (a folder?); nothing written: move it away and run again" >&2; exit 4
  fi
  if [[ -f "$out/$f" ]]; then cp -p "$out/$f" "$stage/" || exit 4; fi
done
"${kfollow[@]}" deviation --period "$period" --format csv -o "$stage/avvikelse-per-stab.csv"
"${kfollow[@]}" deviation --period "$period" --by forvaltning --format csv -o "$stage/avvikelse-per-forvaltning.csv"
"${kfollow[@]}" deviation --period "$period" --comments --format md -o "$stage/avvikelse-per-stab.md"
"${kfollow[@]}" deviation --period "$period" --format json -o "$stage/avvikelse-per-stab.json"
if [[ -n "${EXPLAIN:-}" ]]; then
  top="${TOP:-10}"
  "${kfollow[@]}" deviation --period "$period" --by stab,kostnadsslag --format csv \
    -o "$stage/avvikelse-per-stab-och-kostnadsslag.csv"
  "${kfollow[@]}" deviation --period "$period" --by stab,kostnadsslag --top "$top" --format md -o "$stage/storsta-avvikelser.md"
  quiet || "${kfollow[@]}" deviation --period "$period" --by stab,kostnadsslag --top "$top" >&2
fi
for f in "${tables[@]}"; do mv -f "$stage/$f" "$out/$f" || exit 4; done
quiet || echo "klart: $out" >&2
