"""Write the example kommun's SIE 4 export and the year files that take their utfall from it.

The ekonomisystem of Exempelby (invented) books each stab's month on its ansvar (dimension 1):
costs on 5010 Löner (with the employee, dimension 7) and 6410 Övriga tjänster, income on 3510,
Serviceförvaltningen's internal prices on 4010/3010, the bank on 1930. The amounts are those of
`examples/budgets` (where utfall is typed by hand as YAML), so `month-end-close-sie.sh`, which
imports this export, prints the same tables as `month-end-close.sh`.

Its budget (#PBUDGET, per account and month: a `{}` row and one row per ansvar breaking it down) is
the year file's budget per stab as decided (before ombudgeteringar), split over the accounts as the
utfall is (about 4 % income, 60 % of the gross on salaries) and spread over the months by the
stab's profile, so that per stab every month's budget is the YAML budget as kfollow spreads it, to the öre.

    python examples/sie/make_export.py      # writes examples/sie/exempelby.se and examples/sie/budgets/

Run it again only when examples/budgets change; the files it writes are in the repository.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from pathlib import Path

import polars as pl

import kfollow
from kfollow.engine.periods import spread
from kfollow.sources.sie_writer import Row, Saldo, Voucher, write_sie

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "budgets"
ANSVAR = {"LED": "1110", "EKO": "1120", "HR": "1130", "KOM": "1140", "DIG": "1150", "SAM": "1160", "FRI": "1170",
          "SERV": "2000"}
ACCOUNTS = {"1930": "Företagskonto", "3010": "Interna intäkter, lokaler och service",
            "3510": "Försäljning av tjänster", "4010": "Köpta lokaltjänster", "5010": "Löner till tjänstemän",
            "6410": "Övriga främmande tjänster"}
ORE_PER_TKR = 100_000


def vouchers_for(store, year: int) -> list[Voucher]:
    """One voucher a month: every stab's and Serviceförvaltningen's month, balanced against the bank."""
    months = store.months.filter(pl.col("ar") == year)
    out = []
    for month in range(1, 13):
        rows = []
        for r in months.filter(pl.col("manad") == month).sort("nyckel").iter_rows(named=True):
            ansvar = {1: ANSVAR[r["nyckel"]]}
            if r["vy"] == "summa":  # Serviceförvaltningen: gross, internal prices
                rows += [Row("4010", r["utfall_kostnader"], ansvar), Row("3010", -r["utfall_intakter"], ansvar)]
                continue
            net = r["utfall"]
            income = (abs(net) // 25 // 100) * 100  # about 4 % sold to others, whole kronor
            salaries = ((net + income) * 3 // 5 // 100) * 100
            rows += [Row("5010", salaries, {**ansvar, 7: f"{int(ansvar[1]) * 10 + month % 3:05d}"}, text="Löner"),
                     Row("6410", net + income - salaries, ansvar, text="Fakturor"),
                     Row("3510", -income, ansvar, text="Sålda tjänster")]
        if not rows:
            continue
        rows.append(Row("1930", -sum(r.belopp for r in rows)))
        last = calendar.monthrange(year, month)[1]
        out.append(Voucher(f"{year}-{month:02d}-{last:02d}", rows, text=f"Månadens bokningar {year}-{month:02d}"))
    return out


def saldo(vouchers: list[Voucher], rar: int) -> list[Saldo]:
    """#PSALDO {}: the change of each account a month, as the export's own control totals."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for v in vouchers:
        for r in v.rows:
            sums[(v.date[:7], r.konto)] += r.belopp
    return [Saldo(rar, period, konto, amount) for (period, konto), amount in sorted(sums.items())]


def budget_for(store, year: int, rar: int) -> list[Saldo]:
    """#PBUDGET of a year: per account and month the `{}` total and its breakdown per ansvar (dimension 1).

    Each stab's annual budget (whole kronor) is split into income on 3510 (about 4 %), salaries on
    5010 (60 % of the gross) and the rest on 6410; Serviceförvaltningen's gross budget goes on
    4010/3010. Each account's year is spread over the months by the stab's profile with cumulative
    rounding (`periods.spread`), so its months add up to the year exactly.
    """
    ore = pl.col("budget")
    income = ore // 2500 * 100  # about 4 %, whole kronor
    salaries = (ore + income) * 3 // 500 * 100  # 60 % of the gross, whole kronor
    stabs = store.amounts.filter((pl.col("ar") == year) & pl.col("vy").is_in(["stab", "summa"]))
    weights = {None: (1,) * 12, **store.year(year).profiler}
    profiles = pl.DataFrame(
        [{"profil": name, "manad": m, "_cum": sum(w[:m]), "_w": sum(w)} for name, w in weights.items()
         for m in range(1, 13)], schema={"profil": pl.String, "manad": pl.Int8, "_cum": pl.Int64, "_w": pl.Int64})

    def monthly(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
        """Each column's year (öre) spread over the months by the row's profile, cumulative rounding as
        kfollow spreads a budget, so the months up to any month add up as kfollow's spread does."""
        return (frame.join(profiles, on="profil", how="left", nulls_equal=True).sort("nyckel", "manad")
                .with_columns(spread(c) for c in cols)  # öre of months 1..manad
                .with_columns((pl.col(c) - pl.col(c).shift(1, fill_value=0).over("nyckel")).alias(c) for c in cols))

    # a stab: 5010 and 3510 spread alone, 6410 the rest of the net month, so the net of months 1..m is
    # exactly the spread of the stab's net budget (as kfollow spreads a budget typed in YAML)
    net = monthly(stabs.filter(pl.col("vy") == "stab").select(
        "nyckel", "profil", net=ore, s5010=salaries, s3510=-income), ["net", "s5010", "s3510"])
    staber = net.select("nyckel", "manad", s5010="s5010", s6410=pl.col("net") - pl.col("s5010") - pl.col("s3510"),
                        s3510="s3510")
    # Serviceförvaltningen, budgeted gross: kostnader on 4010, intäkter on 3010, each spread
    serv = monthly(stabs.filter(pl.col("vy") == "summa").select(
        "nyckel", "profil", s4010="budget_kostnader", s3010=-pl.col("budget_intakter")), ["s4010", "s3010"]
    ).select("nyckel", "manad", "s4010", "s3010")
    months = pl.concat([
        frame.unpivot(index=["nyckel", "manad"], variable_name="konto", value_name="ore")
        .with_columns(pl.col("konto").str.strip_prefix("s"))
        for frame in (staber, serv)])
    rows = []
    for (konto, manad), group in months.group_by("konto", "manad"):
        period = f"{year}-{manad:02d}"
        rows.append(Saldo(rar, period, konto, int(group["ore"].sum())))
        rows += [Saldo(rar, period, konto, amount, {1: ANSVAR[stab]})
                 for stab, amount in group.sort("nyckel").select("nyckel", "ore").iter_rows()]
    return sorted(rows, key=lambda s: (s.konto, s.period, tuple(s.objects.values())))


def pbudget_lines(rows: list[Saldo]) -> list[str]:
    """#PBUDGET records (the writer has no #PBUDGET; the fields are those of #PSALDO)."""
    lines = []
    for r in rows:
        objects = " ".join(f'{d} "{code}"' for d, code in r.objects.items())
        lines.append(f"#PBUDGET {r.rar} {r.period.replace('-', '')} {r.konto} {{{objects}}} {'-' if r.belopp < 0 else ''}{abs(r.belopp) // 100}.{abs(r.belopp) % 100:02d}")
    return lines


def with_budget(path: Path, rows: list[Saldo]) -> None:
    """Insert #PBUDGET records after the file's #PSALDO, as accounting programs write them."""
    lines = path.read_bytes().split(b"\r\n")
    last = max(i for i, line in enumerate(lines) if line.startswith(b"#PSALDO"))
    budget = [line.encode("cp437") for line in pbudget_lines(rows)]
    path.write_bytes(b"\r\n".join(lines[: last + 1] + budget + lines[last + 1:]))


def from_export(text: str, year: int) -> str:
    """The year file with its typed-in utfall and budget removed, `utfall_fil` and `budget_fil` naming
    the tables imported from the export (a key left empty goes too)."""
    lines, out, skip_below = text.splitlines(), [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_below is not None and (not line.strip() or indent > skip_below):
            continue
        skip_below = None
        if line.strip() == "utfall:" or line.strip().startswith("budget:"):
            skip_below = indent
            continue
        out.append(line)
        if re.match(r"enhet:", line):
            out.append(f"utfall_fil: utfall-{year}.csv   # kfollow import sie exempelby.se --year … (see "
                       "month-end-close-sie.sh)")
            out.append(f"budget_fil: budget-{year}.csv   # the export's #PBUDGET: kfollow import sie … --budget-out")
    kept = []
    for i, line in enumerate(out):  # a mapping key whose block was all removed
        nxt = next((x for x in out[i + 1:] if x.strip()), "")
        if line.rstrip().endswith(":") and not line.lstrip().startswith("#") and (
                len(nxt) - len(nxt.lstrip()) <= len(line) - len(line.lstrip())):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def main() -> None:
    store = kfollow.load(SOURCE)
    vouchers = {0: vouchers_for(store, 2024), -1: vouchers_for(store, 2023)}
    write_sie(
        HERE / "exempelby.se", company="Exempelby kommun (påhittad)", generated="2024-11-05",
        program=("Exempelby Ekonomi", "7.2"),
        years={0: ("2024-01-01", "2024-12-31"), -1: ("2023-01-01", "2023-12-31")},
        accounts=ACCOUNTS, dimensions={1: "Ansvar", 7: "Anställd"},
        objects={(1, code): stab for stab, code in ANSVAR.items()},
        vouchers=[*vouchers[-1], *vouchers[0]],
        psaldo=[*saldo(vouchers[-1], -1), *saldo(vouchers[0], 0)],
    )
    with_budget(HERE / "exempelby.se", [*budget_for(store, 2023, -1), *budget_for(store, 2024, 0)])
    (HERE / "budgets").mkdir(exist_ok=True)
    for year in (2023, 2024):
        text = (SOURCE / f"{year}.yaml").read_text(encoding="utf-8")
        (HERE / "budgets" / f"{year}.yaml").write_text(from_export(text, year), encoding="utf-8")
    print(f"wrote {HERE / 'exempelby.se'} and {HERE / 'budgets'}")


if __name__ == "__main__":
    main()
