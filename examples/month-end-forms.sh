#!/usr/bin/env bash
# The month's answers round before the close: forms out, wait, collect, status, close.
#
#   examples/month-end-forms.sh send    [PERIOD]   # 1. one form per stab into forms/PERIOD (mail them out)
#   examples/month-end-forms.sh collect [PERIOD]   # 2. read the answered forms from answers/PERIOD, then
#                                                  #    status (exit 1 while an answer is missing) and the close
#
# PERIOD is YYYY-MM (default 2024-10), or the month alone (10) of the latest year file: its folders are named
# YYYY-MM either way.
#
# Exit 0 when the close is written; 1 while an answer (or a comment beyond LIMIT) is missing, or a check of the
# close failed; 2 for a step it does not know, or a LIMIT (as kfollow reads it: kfollow is asked) or DEADLINE that
# is none (before anything is read or written); 4 when collect finds no forms sent for PERIOD (no folder forms/PERIOD:
# run send first), or a folder or file cannot be made or read; 127 when the kfollow command (KFOLLOW) is not found,
# in one line, before anything is written; else kfollow's (README's exit codes).
#
# The chefs answer in Excel: Prognos helår and Kommentar, per stab (and per kostnadsslag where the
# utfall has accounts). collect checks every workbook as strictly as a year file and writes
# svar/PERIOD.yaml beside the year files; the year files themselves are never edited.
# Set KFOLLOW_BUDGETS to run it on your own files, LIMIT for the comment threshold, DEADLINE for
# the date in the forms, KFOLLOW to the command to run (default: kfollow); FORMS and ANSWERS for the
# folders of the forms and of the answered workbooks (default: forms/PERIOD and answers/PERIOD
# here), OUT for the close's tables (default: out/PERIOD here).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
step="${1:-send}"
period="${2:-2024-10}"
limit="${LIMIT:-5%}"
export KFOLLOW_BUDGETS="${KFOLLOW_BUDGETS:-$here/budgets}"
# a month alone (10) is that month of the latest year file, as kfollow's --period and month-end-close.sh read it: its
# folders are forms/2024-10, answers/2024-10 and out/2024-10, not …/10 (found in review, h149)
if [[ "$period" =~ ^[[:space:]]*(0?[1-9]|1[0-2])[[:space:]]*$ ]]; then
  month="${BASH_REMATCH[1]}"
  latest=""
  for f in "$KFOLLOW_BUDGETS"/[0-9][0-9][0-9][0-9].yaml "$KFOLLOW_BUDGETS"/[0-9][0-9][0-9][0-9].yml; do
    if [[ -e "$f" || -L "$f" ]]; then f="${f##*/}"; f="${f%%.*}"; if [[ "$f" > "$latest" ]]; then latest="$f"; fi; fi
  done
  if [[ -n "$latest" ]]; then period="$(printf '%s-%02d' "$latest" "$((10#$month))")"; fi
fi
forms="${FORMS:-$here/forms/$period}"
answers="${ANSWERS:-$here/answers/$period}"
read -r -a kfollow <<< "${KFOLLOW:-kfollow}"

# (LIMIT=x stopped collect at status with --require-comment-over's error once the answers were collected into
# svar/PERIOD.yaml: it is checked before anything is read or written; found in review, h149)
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

case "$step" in
  send)
    deadline=()
    if [[ -n "${DEADLINE:-}" ]]; then
      if [[ ! "$DEADLINE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
        printf 'Error: DEADLINE=%q is not a date: write the date to answer by as YYYY-MM-DD, such as 2024-11-08; nothing written\n' "$DEADLINE" >&2
        exit 2
      fi
      deadline=(--deadline "$DEADLINE")
    fi
    # a send that failed (DEADLINE=2024-02-30, a year file with an error) left forms/PERIOD made and empty, and
    # collect then waited for answers to forms never sent, exit 1 'saknar prognos' (found in review, h149): the
    # folder it made is removed again (rmdir: only while it is empty)
    made=""; [[ -e "$forms" || -L "$forms" ]] || made=1
    mkdir -p "$forms" || exit 4  # (input/output, as kfollow's: not the exit 1 of an answer missing)
    status=0
    "${kfollow[@]}" forms --period "$period" --require-comment-over "$limit" ${deadline[@]+"${deadline[@]}"} -o "$forms" || status=$?  # (bash 3.2: an empty array is unset)
    if (( status != 0 )); then
      if [[ -n "$made" ]]; then rmdir "$forms" 2>/dev/null || true; fi
      exit "$status"
    fi
    # (the folders said as the shell reads them back, also with spaces in them)
    printf 'skicka formulären i %s; spara svaren i %s och kör: FORMS=%q ANSWERS=%q %q collect %q\n' \
      "$forms" "$answers" "$forms" "$answers" "$0" "$period" >&2
    ;;
  collect)
    # a month whose forms were never sent stopped at status with 'forms/2024-09: not a folder', exit 4, saying neither
    # what had happened nor what to do (found in review, h149); it is still exit 4, before anything is read or written
    if [[ ! -e "$forms" && ! -L "$forms" ]]; then
      given=""  # (the folders given, as the shell reads them back: the send step's hint does the same)
      if [[ -n "${FORMS:-}" ]]; then given+="$(printf 'FORMS=%q ' "$forms")"; fi
      if [[ -n "${ANSWERS:-}" ]]; then given+="$(printf 'ANSWERS=%q ' "$answers")"; fi
      printf 'Error: no forms were sent for %s: %s does not exist; send them first: %s%q send %q, and collect when they are answered\n' \
        "$period" "$forms" "$given" "$0" "$period" >&2
      exit 4
    fi
    # (any case of .xlsx; not Excel's lock files ~$…, left beside a workbook that is open)
    shopt -s nullglob nocaseglob
    answered=()
    for f in "$answers"/*.xlsx; do [[ "$(basename "$f")" == '~$'* ]] || answered+=("$f"); done
    shopt -u nocaseglob
    if (( ${#answered[@]} )); then
      "${kfollow[@]}" collect "${answered[@]}"
    else  # (status followed, every row 'nej', without a word of the folder looked in: found by a new user, h152)
      quiet="${KFOLLOW_QUIET:-}"; quiet="${quiet//[[:space:]]/}"
      if [[ -z "$quiet" || "$quiet" == 0 ]]; then
        if [[ -d "$answers" ]]; then why="inga .xlsx där"; else why="mappen finns inte"; fi
        printf 'inga besvarade formulär i %s (%s); spara svaren där\n' "$answers" "$why" >&2
      fi
    fi
    # exit 1 (set -e stops here) while a forecast, or a comment beyond the limit, is missing
    "${kfollow[@]}" status --period "$period" --require-comment-over "$limit" --forms "$forms" >&2
    KFOLLOW="${KFOLLOW:-kfollow}" LIMIT="$limit" "$here/month-end-close.sh" "$period" "${OUT:-$here/out/$period}"
    ;;
  *)
    echo "usage: $0 send|collect [PERIOD]" >&2
    exit 2
    ;;
esac
