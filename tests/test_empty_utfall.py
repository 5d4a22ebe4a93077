"""January, before anything is booked: the ekonomisystem's utfall table is empty (a CSV of a header only, a Parquet
table of 0 rows). That is a valid state of the year: every command shows the budget with utfall –, says the table's
one warning on stderr and exits 0; CSV and Parquet alike (found in review, h144)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import csv_rows, without_note_sums

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sie" / "budgets"
HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"


def _january(folder: Path, kind: str) -> Path:
    """The SIE example with 2024's utfall table empty: a header only (csv), or 0 rows as Parquet with belopp as text
    (parquet) or as a decimal, as `kfollow import` writes it (decimal)."""
    shutil.copytree(EXAMPLE, folder)
    without_note_sums(folder)
    (folder / "utfall-2024.csv.kalla.json").unlink()
    (folder / "utfall-2024.csv").write_text(HEADER, encoding="utf-8")
    return _as(folder, kind)


def _as(folder: Path, kind: str) -> Path:
    """`folder`'s tables as CSV (csv), or as Parquet with belopp as text (parquet) or as a decimal (decimal)."""
    if kind != "csv":
        for table in folder.glob("*.csv"):
            frame = pl.read_csv(table, infer_schema=False)
            if kind == "decimal":
                frame = frame.with_columns(pl.col("belopp").cast(pl.Decimal(18, 2)))
            frame.write_parquet(table.with_suffix(".parquet"))
            table.unlink()
            note = table.with_name(table.name + ".kalla.json")
            if note.exists():
                note.rename(table.with_name(table.stem + ".parquet.kalla.json"))
        for year in folder.glob("*.yaml"):
            year.write_text(year.read_text(encoding="utf-8").replace(".csv", ".parquet"), encoding="utf-8")
    return folder


@pytest.fixture(params=["csv", "parquet", "decimal"])
def january(request, tmp_path):
    folder = _january(tmp_path / "budgets", request.param)
    table = folder / ("utfall-2024.csv" if request.param == "csv" else "utfall-2024.parquet")
    said = (f"warning: {folder / '2024.yaml'}: {table} har inga rader: inget utfall är bokfört för 2024 ännu (som i "
            "januari); utfallet kommer när månaden är bokförd och tabellen importerad igen (kfollow import)")
    return folder, said


def _warned_once(result, said: str) -> None:
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")] == [
        ln for ln in result.stderr.splitlines() if ln.startswith(said)] and result.stderr.count(said) == 1, \
        result.stderr
    assert "Error" not in result.stderr


def test_months_shows_the_years_budget_month_by_month_with_utfall_empty(run, january):
    """`months` refused an empty utfall table, exit 2 (a usage error, which it is not), where `deviation` showed
    the year's budget: it shows the budget of every month, utfall –, and the year before's months."""
    folder, said = january
    result = run("months", "--budgets", folder, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    _warned_once(result, said)
    rows = csv_rows(result.stdout)
    assert [r["manad"] for r in rows] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert [r["budget_ack"] for r in rows][::3] == ["14.5", "56.5", "94.9", "135.1"] and rows[-1]["budget_ack"] == "164.5"
    assert {r[c] for r in rows for c in ("utfall", "avvikelse", "utfall_ack", "avvikelse_ack", "avvikelse_ack_pct")} \
        == {""}
    assert rows[0]["utfall_2023"] == "14.0"
    table = run("months", "--budgets", folder, "--stab", "EKO")
    assert table.exit_code == 0, table.stderr
    assert "2024-12" in table.stdout and "Månad för månad 2024" in table.stdout
    _warned_once(table, said)
    js = run("months", "--budgets", folder, "-f", "json", "--kostnadsslag", "personal")
    assert js.exit_code == 0, js.stderr
    months = json.loads(js.stdout)
    assert len(months) == 12 and months[-1]["budget_ack"] == 102.6 and months[-1]["utfall_ack"] is None
    # a month asked for is still one not booked: a usage error, as deviation --period says it
    asked = run("months", "--budgets", folder, "--period", "3")
    assert asked.exit_code == 2 and "2024-03 is not booked yet: the utfall tables of 2024 (" in asked.stderr


@pytest.mark.parametrize("args", [(), ("--by", "stab,kostnadsslag"), ("--by", "forvaltning"), ("--by", "konto")])
def test_deviation_shows_the_budget_with_utfall_empty(run, january, args):
    folder, said = january
    for fmt in ("table", "csv", "json"):
        result = run("deviation", "--budgets", folder, *args, "-f", fmt)
        assert result.exit_code == 0, (fmt, result.stderr)
        _warned_once(result, said)
    rows = csv_rows(run("deviation", "--budgets", folder, *args, "-f", "csv").stdout)
    total = next(r for r in rows if r["radtyp"] == "summa")
    assert (total["budget"], total["utfall"], total["avvikelse"]) == ("164.5", "", "")


@pytest.mark.parametrize("by", ["stab", "stab,kostnadsslag"])
def test_deviation_top_says_nothing_is_booked_not_that_the_budget_is_elsewhere(run, january, by):
    """`--top` said 'Ingen avvikelse att lista per stab: budgeten finns inte på den nivån, utan per stab', of a
    budget that is there: nothing is booked yet."""
    folder, said = january
    result = run("deviation", "--budgets", folder, "--by", by, "--top", "3")
    assert result.exit_code == 0, result.stderr
    _warned_once(result, said)
    assert "(inga rader)" in result.stdout
    assert "Anm.: Ingen avvikelse att lista: 2024 har inget utfall för raderna ännu." in result.stdout
    assert "finns inte på den nivån" not in result.stdout


def test_compare_and_check_take_it(run, january):
    folder, said = january
    compared = run("compare", "2023", "2024", "--budgets", folder, "-f", "csv")
    assert compared.exit_code == 0, compared.stderr
    _warned_once(compared, said)
    total = next(r for r in csv_rows(compared.stdout) if r["radtyp"] == "summa")
    assert (total["utfall_2023"], total["utfall_2024"], total["forandring"]) == ("156.0", "", "")
    check = run("check", "--budgets", folder)
    assert check.exit_code == 0, check.stderr
    # January's empty table is right: it was told to import it again or to remove it from the year file (found in
    # review, h148)
    assert "har inga rader: inget utfall är bokfört för 2024 ännu (som i januari); utfallet kommer när månaden är " \
           "bokförd och tabellen importerad igen (kfollow import)" in check.stdout
    assert "ta bort den ur årsfilen" not in check.stdout
    assert "0 error(s), 1 warning(s)" in check.stderr


def test_report_shows_the_budget_without_a_chart_of_no_deviation(run, january, tmp_path):
    """`report` was refused (exit 2) by its chart of avvikelse, 'there is no budget for these rows', of rows with a
    budget; it shows the tables, leaves out the chart and the list of largest deviations, and its footer says that
    nothing is booked (it said 'Utfall 2024 anges för helår')."""
    folder, said = january
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", folder, "-o", out, "--top", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(said) == 1 and "Error" not in result.stderr
    assert "warning: --top 3: the section Största avvikelser is left out of the document: 2024 has no utfall yet" \
        in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "| **Summa nettokostnad**                      |    164,5 |        – |           – |" in text
    assert "## Avvikelse per stab" not in text and "Största avvikelser" not in text
    assert text.rstrip().endswith("Inget utfall bokfört för 2024 ännu") and "anges för helår" not in text


def test_chart_manader_draws_the_budget(run, january, tmp_path):
    """`chart manader` draws the budget month by month (it was refused, exit 2, as `months` was)."""
    pytest.importorskip("matplotlib")
    folder, said = january
    drawn = run("chart", "manader", "--budgets", folder, "-o", tmp_path / "m.svg")
    assert drawn.exit_code == 0, drawn.stderr
    assert "jan budget 14,5, utfall –;" in (svg := (tmp_path / "m.svg").read_text(encoding="utf-8"))
    assert "dec budget 164,5, utfall –." in svg


def test_chart_avvikelse_is_a_data_error_that_says_nothing_is_booked(run, january, tmp_path):
    """`chart avvikelse` has no bar to draw: a data error (exit 3) that says so, not 'there is no budget for these
    rows' (exit 2) of rows with a budget."""
    pytest.importorskip("matplotlib")
    folder, said = january
    none = run("chart", "avvikelse", "--budgets", folder, "-o", tmp_path / "a.svg")
    assert none.exit_code == 3 and not (tmp_path / "a.svg").exists()
    assert none.stderr.splitlines() == ["Error: no row has a deviation to draw: no utfall is booked for these rows yet "
                                        "(kfollow chart manader draws the budget month by month)"], none.stderr


@pytest.mark.parametrize("command", ["status", "forms"])
@pytest.mark.parametrize("month", ["2024-01", "1", "2024-12"])
def test_the_forms_round_of_a_month_not_booked_says_to_import_it_when_it_is(run, january, tmp_path, command, month):
    """`status --period 2024-01` (and `forms`) advised 'use the year without --period', which both require; and
    `forms --period 2024-12` wrote eight forms of a December nothing is booked in (utfall –, exit 0). Both are
    refused, exit 2, with what to do: import the month once it is booked (found in review, h148)."""
    folder, _ = january
    out = tmp_path / "formular"
    args = ("-o", out) if command == "forms" else ()
    result = run(command, "--budgets", folder, "--period", month, *args)
    period = "2024-01" if month == "1" else month
    assert result.exit_code == 2 and not out.exists(), (result.stdout, result.stderr)
    table = folder / ("utfall-2024.csv" if (folder / "utfall-2024.csv").exists() else "utfall-2024.parquet")
    assert result.stderr.splitlines()[-1] == (
        f"Error: {period} is not booked yet: the utfall tables of 2024 ({table}) have no rows; the forms round asks "
        f"about a booked month: import {period} once it is booked (kfollow import), then write its forms"), \
        result.stderr
    assert "without --period" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", ["status", "forms"])
def test_the_forms_round_of_a_year_given_whole_says_what_to_follow_up(run, budgets_dir, tmp_path, command):
    """The same advice, 'use the year without --period', for a year file whose utfall is given for the whole year
    only (the bundled 2024): the forms round can follow up the year, as December (found in review, h148)."""
    out = tmp_path / "formular"
    result = run(command, "--budgets", budgets_dir, "--period", "2024-08", *(("-o", out) if command == "forms" else ()))
    assert result.exit_code == 2 and not out.exists(), result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: {budgets_dir / '2024.yaml'} gives utfall for the whole year only; a forms round of 2024-08 needs "
        "utfall per month (utfall: {2024-01: …}, see README, or kfollow import), or follow up the whole year with "
        "--period 2024-12"), result.stderr


def test_chart_verksamhet_without_verksamheter_advises_a_chart_that_draws(run, january, tmp_path):
    """`chart verksamhet` of a year file without verksamheter advised `kfollow chart avvikelse`, which has nothing to
    draw before anything is booked (exit 3): it names `chart manader`, which draws the budget (found in review,
    h148)."""
    pytest.importorskip("matplotlib")
    folder, _ = january
    result = run("chart", "verksamhet", "--budgets", folder, "-o", tmp_path / "v.svg")
    assert result.exit_code == 2 and not (tmp_path / "v.svg").exists(), result.stderr
    error = result.stderr.splitlines()[-1]
    assert error.startswith(f"Error: {folder / '2024.yaml'} has no verksamhet rows for KSF, SERV; give the import's "
                            "mapping a verksamhet"), error
    assert error.endswith("; nothing is booked for 2024 yet: kfollow chart manader draws the budget month by month"), \
        error
    assert "chart avvikelse" not in error
    advised = run("chart", "manader", "--budgets", folder, "-o", tmp_path / "m.svg")
    assert advised.exit_code == 0 and (tmp_path / "m.svg").exists(), advised.stderr


def test_chart_verksamhet_without_verksamheter_of_a_booked_year_advises_chart_avvikelse(run, tmp_path):
    pytest.importorskip("matplotlib")
    result = run("chart", "verksamhet", "--budgets", EXAMPLE, "-o", tmp_path / "v.svg")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[-1].endswith(", or look per stab (kfollow chart avvikelse)"), result.stderr


def _mixed(folder: Path, kind: str) -> Path:
    """The SIE example with 2024's utfall in two tables, one per förvaltning: KSF's booked to October, SERV's
    empty (its export of a header only)."""
    shutil.copytree(EXAMPLE, folder)
    without_note_sums(folder)
    (folder / "utfall-2024.csv.kalla.json").unlink()
    lines = (folder / "utfall-2024.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "utfall-ksf-2024.csv").write_text(HEADER + "".join(ln for ln in lines if ",KSF," in ln), encoding="utf-8")
    (folder / "utfall-serv-2024.csv").write_text(HEADER, encoding="utf-8")
    (folder / "utfall-2024.csv").unlink()
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "utfall_fil: utfall-2024.csv", "utfall_fil: [utfall-ksf-2024.csv, utfall-serv-2024.csv]"), encoding="utf-8")
    return _as(folder, kind)


@pytest.fixture(params=["csv", "parquet"])
def mixed(request, tmp_path):
    folder = _mixed(tmp_path / "budgets", request.param)
    return folder, folder / f"utfall-serv-2024.{request.param}"


def test_deviation_of_a_year_one_of_whose_tables_is_empty(run, mixed):
    """One förvaltning's table empty, another's booked to October: the booked one's figures, the other's utfall –
    and so the Summa's, each said once on stderr; its empty table is said as an export gone wrong, not as
    January's (found in review, h148)."""
    folder, empty = mixed
    result = run("deviation", "--budgets", folder, "--by", "forvaltning", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["forvaltning"]: r for r in csv_rows(result.stdout)}
    figures = ("budget", "utfall", "avvikelse", "utfall_2023", "budget_helar", "prognos")
    assert [rows["KSF"][c] for c in figures] == ["135.1", "134.8", "0.3", "126.9", "164.5", "165.4"]
    assert [rows["SERV"][c] for c in figures] == ["0.0", "", "", "-1.2", "0.0", "-1.6"]
    assert [rows["Summa"][c] for c in figures] == ["135.1", "", "", "128.2", "164.5", "167.0"]
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [
        f"warning: {folder / '2024.yaml'}:64: SERV has a budget and no utfall in 2024 while other förvaltningar have "
        f"utfall: its utfall, the Summa and the shares are unknown (–); its utfall table {empty} has no rows: import it "
        "again (kfollow import), or write its utfall (0 if nothing is booked) and take the table out of the year file"
    ], result.stderr
    ksf = csv_rows(run("deviation", "--budgets", folder, "--forvaltning", "KSF", "--period", "2024-10", "-f",
                       "csv").stdout)
    total = next(r for r in ksf if r["radtyp"] == "summa")
    assert (total["budget"], total["utfall"], total["avvikelse"]) == ("135.1", "134.8", "0.3")
    eko = next(r for r in ksf if r.get("stab") == "EKO")
    assert (eko["budget"], eko["utfall"], eko["avvikelse"], eko["andel_pct"]) == ("15.4", "12.9", "2.5", "9.6")
    # the table for people says why its Summa is – (only stderr said it, which a document has no place for)
    table = run("deviation", "--budgets", folder)
    assert table.exit_code == 0, table.stderr
    assert "| Summa nettokostnad" not in table.stdout
    assert "Anm.: Utfall saknas för SERV: dess rader, summan och andelarna av summan visar –." in table.stdout
    assert "Utfall saknas" not in run("deviation", "--budgets", folder, "--forvaltning", "KSF").stdout
    assert "Utfall saknas" not in result.stderr  # (csv: the warning says it)


def test_months_of_a_year_one_of_whose_tables_is_empty(run, mixed):
    folder, _ = mixed
    result = run("months", "--budgets", folder, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    assert [r["manad"] for r in rows] == [f"2024-{m:02d}" for m in range(1, 11)]  # KSF's months: to October
    assert [r["budget_ack"] for r in rows][::3] == ["14.5", "56.5", "94.9", "135.1"]
    assert {r[c] for r in rows for c in ("utfall", "utfall_ack", "avvikelse_ack")} == {""}  # SERV's unknown
    ksf = csv_rows(run("months", "--budgets", folder, "--forvaltning", "KSF", "-f", "csv").stdout)
    assert [(r["utfall_ack"], r["avvikelse_ack"]) for r in ksf][::3] == [
        ("14.5", "0.0"), ("56.3", "0.2"), ("94.4", "0.5"), ("134.8", "0.3")]
    table = run("months", "--budgets", folder)
    assert "Anm.: Utfall saknas för SERV: summan av förvaltningarnas utfall visas som – varje månad." in table.stdout


def test_report_of_a_year_one_of_whose_tables_is_empty(run, mixed, tmp_path):
    folder, empty = mixed
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", folder, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"its utfall table {empty} has no rows: import it again" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "| **Kommunstyrelseförvaltningen**             |    135,1 |    134,8 |         0,3 |" in text
    assert "| **Serviceförvaltningen (internt prissatt)** |      0,0 |        – |           – |" in text
    assert "| **Summa nettokostnad**                      |    135,1 |        – |           – |" in text
    assert "| Ekonomistab                                 |     15,4 |     12,9 |         2,5 |" in text
    assert "## Avvikelse per stab" in text  # (KSF's staber have deviations to draw)
    # the tables whose Summa is – say why, as the table per kostnadsslag did (found in review, h148); once, as a
    # document says a note
    assert text.count("Anm.: Utfall saknas för SERV: dess rader, summan och andelarna av summan visar –.") == 1
    assert "Anm.: Utfall saknas för SERV: dess rader visar –." in text  # (per kostnadsslag, as before)
    assert "Anm.: Utfall saknas för SERV: summan av förvaltningarnas utfall visas som – varje månad." in text
    assert "Anm.: Utfall 2024 saknas för SERV: dess rader, summan och andelarna av summan visar –." in text  # (compare)
    assert text.rstrip().endswith("Senast bokförda period: oktober 2024")


def test_compare_of_a_year_one_of_whose_tables_is_empty(run, mixed):
    folder, _ = mixed
    result = run("compare", "2023", "2024", "--budgets", folder, "--period", "10", "--by", "forvaltning", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["forvaltning"]: r for r in csv_rows(result.stdout)}
    figures = ("utfall_2023", "utfall_2024", "forandring", "andel_2023_pct", "andel_2024_pct")
    assert [rows["KSF"][c] for c in figures] == ["126.9", "134.8", "7.9", "99.0", ""]
    assert [rows["Summa"][c] for c in figures] == ["128.2", "", "", "100.0", ""]
    table = run("compare", "2023", "2024", "--budgets", folder, "--period", "10")
    assert "Anm.: Utfall 2024 saknas för SERV: dess rader, summan och andelarna av summan visar –." in table.stdout
    assert "Utfall 2023 saknas" not in table.stdout


def _january_report(run, tmp_path, suffix: str):
    """The report (`rapport.SUFFIX`: html, docx or pdf) of January's year without --period (skipped for a PDF without
    WeasyPrint or pdftotext here)."""
    folder = _january(tmp_path / "budgets", "csv")
    out = tmp_path / f"rapport.{suffix}"
    if suffix == "pdf":
        pytest.importorskip("weasyprint")
        if shutil.which("pdftotext") is None:
            pytest.skip("no pdftotext here (Debian's poppler-utils)")
    result = run("report", "--budgets", folder, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("suffix", ["html", "docx", "pdf"])
def test_report_of_january_is_a_year_being_booked_and_says_nothing_is_booked(run, tmp_path, suffix):
    """`report` of January without --period was laid out as a closed year: the Ekonomi tables of each förvaltning
    (Utfall –, Förändring sedan prognosen –), a section `Utfall 2024 jämfört med 2023` of a column of –, and no word of
    why but the footer's last line. It is a year being booked: the result per förvaltning (its budget, utfall –) with
    a note under it that nothing is booked yet, and no comparison of nothing (found in review, h156)."""
    out = _january_report(run, tmp_path, suffix)
    if suffix == "html":
        import html

        text = html.unescape(re.sub(r"<[^>]+>", "\n", out.read_text(encoding="utf-8")))
    elif suffix == "docx":
        import docx

        document = docx.Document(str(out))
        text = "\n".join(p.text for p in document.paragraphs)
        # the first table is the result per förvaltning: its budget and utfall –
        first = [[c.text for c in r.cells] for r in document.tables[0].rows]
        assert first[0][:3] == ["Förvaltning", "Budget", "Utfall"] and first[-1][:3] == [
            "Summa nettokostnad", "164,5", "–"], first
    else:
        import subprocess

        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    note = ("Anm.: Inget utfall är bokfört för 2024 ännu: tabellerna visar årets budget, och utfall och avvikelse "
            "visas som –.")
    flat = " ".join(lines)
    assert note in flat, flat[:3000]
    assert "Ekonomi KSF" not in lines and "Ekonomi SERV" not in lines and "Förändring sedan prognosen" not in \
        flat[:flat.index(note)]
    # the note stands under the first table, before the next section's heading
    assert flat.index("Resultat per förvaltning") < flat.index(note) < flat.index("Resultat per stab")
    assert "Utfall 2024 jämfört med 2023" not in flat and "Utfall saknas för" not in flat
    assert flat.count(note) == 1


@pytest.mark.parametrize("suffix", ["html", "docx", "pdf"])
def test_report_of_january_shows_the_forecast_alone(run, tmp_path, suffix):
    """`report` of January of a year file with forecasts had a section `Avvikelse jämfört med prognosen i augusti 2024`
    of Utfall, Avvikelse and Förändring sedan prognosen – on every row. With nothing booked there is nothing to set
    against the forecast: the section is the forecast, its budget, forecast and forecast deviation, and a note that
    says why, alike in HTML, PDF and Word (found in review, h158)."""
    out = _january_report(run, tmp_path, suffix)
    header = ["Förvaltning", "Budget", "Prognos i augusti", "Prognostiserad avvikelse"]
    total = ["Summa nettokostnad", "164,5", "167,0", "-2,5"]
    if suffix == "html":
        import html

        page = out.read_text(encoding="utf-8")
        table = page[page.index("<h2>Prognosen i augusti 2024</h2>"):]
        table = table[:table.index("</table>")]
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
                for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table)]
        assert rows[0] == header and rows[-1] == total, rows
        text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    elif suffix == "docx":
        import docx

        document = docx.Document(str(out))
        rows = [[c.text for c in r.cells] for r in document.tables[-1].rows]
        assert rows[0] == header and rows[-1] == total, rows
        text = "\n".join(p.text for p in document.paragraphs)
    else:
        import subprocess

        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(ln.strip() for ln in text.splitlines() if ln.strip())
    assert "Prognosen i augusti 2024" in flat and "Avvikelse jämfört med prognosen" not in flat, flat
    assert "Förändring sedan prognosen" not in flat
    note = ("Anm.: Inget utfall är bokfört för 2024 ännu att jämföra prognosen med: tabellen visar prognosen för helåret "
            "mot årets budget.")
    assert flat.count(note) == 1, flat[flat.index("Prognosen i augusti 2024"):]
