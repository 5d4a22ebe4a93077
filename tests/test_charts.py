"""Charts: SVG with its text as text, a <title> and a <desc>, Swedish labels and numbers, the same
bytes each run; PNG; and the message when matplotlib is not installed."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import polars as pl
import pytest

import kfollow
from conftest import BUDGETS, ROOT, small_year
from kfollow.errors import ExitStatus, UsageError
from kfollow.render import charts
from kfollow.render.charts import MISSING, chart_avvikelse, chart_manader, chart_verksamhet
from kfollow.report import column

pytest.importorskip("matplotlib", reason="charts need the optional matplotlib (pip install 'kfollow[charts]')")

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def store():
    return kfollow.load(BUDGETS)


@pytest.fixture(scope="module")
def reports(store):
    return {
        "verksamhet": kfollow.compare(store, 2023, 2024, by="verksamhet"),
        "avvikelse": kfollow.deviation(store, 2024),
        "manader": kfollow.months(kfollow.load(ROOT / "examples" / "budgets"), 2024),
    }


CHARTS = {"verksamhet": chart_verksamhet, "avvikelse": chart_avvikelse, "manader": chart_manader}


def texts(svg: bytes) -> list[str]:
    """Every <text> of the drawing (the axis labels, ticks, legend, figures), as one string each."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def drawn(tmp_path, *args: str) -> bytes:
    """The SVG that `kfollow chart ARGS -o …svg` writes, run as a user runs it (its own process)."""
    import subprocess

    out = tmp_path / "chart.svg"
    result = subprocess.run([sys.executable, "-m", "kfollow", "chart", *args, "-o", str(out)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def parsed(svg: bytes) -> ET.Element:
    root = ET.fromstring(svg)  # valid XML, or this raises
    assert root.tag == f"{SVG}svg"
    return root


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg_is_valid_accessible_and_the_same_each_run(reports, name):
    report = reports[name]
    svg = CHARTS[name](report, "svg")
    root = parsed(svg)
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text == charts.title(report, name)
    # the deviation chart's title says what it draws, not the table's `Resultat 2024 per stab`
    assert charts.title(report, name) == ("Avvikelse mot budget 2024 per stab, belopp i mnkr" if name == "avvikelse"
                                          else report.caption)
    assert children[1].tag == f"{SVG}desc" and children[1].text.strip()
    assert root.get("role") == "img"
    assert texts(svg), "the text must stay text (svg.fonttype none), not paths"
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg  # no date, no version: reproducible
    assert CHARTS[name](report, "svg") == svg


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_png_has_the_signature_and_is_the_same_each_run(reports, name):
    png = CHARTS[name](reports[name], "png")
    assert png.startswith(PNG_SIGNATURE)
    assert CHARTS[name](reports[name], "png") == png


def test_verksamhet_labels_years_and_swedish_numbers(reports):
    report = reports["verksamhet"]
    svg = chart_verksamhet(report, "svg")
    shown = texts(svg)
    assert "270 - Räddningstjänst" in shown and "920 - Gemensamma verksamheter" in shown
    assert "Utfall 2023" in shown and "Utfall 2024" in shown  # the legend
    assert "mnkr" in shown  # the axis title
    assert "122,6" in shown and "111,2" in shown  # Räddningstjänst's bars, as the table prints them
    assert "-48,1" in shown and "\u2212" not in shown  # Bostadsverksamhet 2023, with the tables' hyphen-minus
    assert "Summa KLF" not in shown and "Summa nettokostnad" not in shown  # no subtotals, no total
    desc = parsed(svg).find(f"{SVG}desc").text
    assert "270 - Räddningstjänst 111,2 och 122,6" in desc
    # VSS has no verksamheter: no bar among them (it was one, found by a new user), and said under the chart
    assert "Verksamhetsstöd och service" not in shown and "-9,8" not in shown
    said = "Verksamhetsstöd och service redovisas inte per verksamhet och ingår inte i diagrammet."
    assert desc.endswith(f"925 - Kommunstyrelsen (KLF och VSS) 24,8 och 25,8. {said}")
    assert " ".join(shown).endswith(said) and charts.note(report, "verksamhet") == said
    assert "(resultat)" not in " ".join(shown)


def test_avvikelse_surplus_and_deficit_apart_not_by_colour_alone(reports):
    svg = chart_avvikelse(reports["avvikelse"], "svg")
    shown = texts(svg)
    assert "Kommunstyrelsen" in shown and "Verksamhetsstöd och service" in shown
    assert "+3,2" in shown and "+10,1" in shown and "-9,8" in shown and "-1,8" in shown
    assert "Överskott (+)" in shown and "Underskott (-)" in shown  # the legend
    assert any("mnkr" in t for t in shown)
    assert "Ej fördelat på stab" not in shown  # no avvikelse: no bar
    assert "Summa KLF" not in shown
    text = svg.decode()
    assert 'id="h' in text and "<pattern" in text  # deficit bars are hatched, surplus bars solid
    desc = parsed(svg).find(f"{SVG}desc").text
    assert "Kommunstyrelsen +3,2 (överskott)" in desc and "Verksamhetsstöd och service -9,8 (underskott)" in desc


def test_manader_months_in_swedish_and_lines_told_apart(reports):
    svg = chart_manader(reports["manader"], "svg")
    shown = texts(svg)
    assert ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"] == [
        t for t in shown if t in charts.MONTHS]
    assert "Budget ack." in shown and "Utfall ack." in shown and "mnkr" in shown
    assert "Utfall 136,1" in shown  # the latest accumulated utfall, with its line's name
    assert "Prognos helår" not in shown  # the months report has no forecast
    text = svg.decode()
    assert "stroke-dasharray" in text  # the budget line is dashed, utfall solid


def test_manader_draws_the_forecast_when_the_report_has_one(reports):
    months = reports["manader"]
    report = replace(months, frame=months.frame.with_columns(prognos=pl.lit(16_350_000_000, pl.Int64)),
                     columns=months.columns + (column("prognos"),))
    shown = texts(chart_manader(report, "svg"))
    assert "Prognos helår" in shown and "Prognos 163,5" in shown


def test_thousands_have_a_no_break_space_and_a_decimal_comma():
    assert charts.tick(1240.0) == f"1{NBSP}240"
    assert charts.tick(2.5) == "2,5"
    assert charts.tick(-50.0) == "-50"
    assert charts.tick(0.0) == "0"
    assert charts.amount(124_080_000_000, "mnkr") == f"1{NBSP}240,8"
    assert charts.amount(-980_710_000, "mnkr", sign=True) == "-9,8"
    assert charts.amount(324_110_000, "mnkr", sign=True) == "+3,2"
    assert charts.amount(1_000_000, "mnkr", sign=True) == "0,0"  # rounds to zero: no sign


def test_a_dollar_or_control_character_in_a_name_is_shown_plainly(reports):
    report = reports["avvikelse"]
    frame = report.frame.with_columns(
        rubrik=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("Kostnad $x$ \x1b[31m")).otherwise(pl.col("rubrik")))
    svg = chart_avvikelse(replace(report, frame=frame, title="Resultat <2024> & \x07"), "svg")
    root = parsed(svg)
    assert root.find(f"{SVG}title").text.startswith("Avvikelse mot budget <2024> & \ufffd")
    assert "Kostnad $x$ \ufffd[31m" in texts(svg)


def test_heights_grow_with_the_number_of_bars(reports):
    few = replace(reports["avvikelse"], frame=reports["avvikelse"].frame.head(3))
    height = lambda svg: float(parsed(svg).get("height").removesuffix("pt"))  # noqa: E731
    assert height(chart_avvikelse(few, "svg")) < height(chart_avvikelse(reports["avvikelse"], "svg"))
    assert height(chart_verksamhet(reports["verksamhet"], "svg")) > height(chart_avvikelse(reports["avvikelse"], "svg"))


def test_a_report_without_the_columns_is_a_usage_error(reports):
    with pytest.raises(UsageError, match="utfall_<year>"):
        chart_verksamhet(reports["avvikelse"], "svg")
    with pytest.raises(UsageError, match="manad"):
        chart_manader(reports["avvikelse"], "svg")
    with pytest.raises(UsageError, match="avvikelse"):
        chart_avvikelse(reports["verksamhet"], "svg")
    with pytest.raises(UsageError, match="svg or png"):
        chart_avvikelse(reports["avvikelse"], "pdf")


def test_without_matplotlib_the_error_says_how_to_install_it(reports, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for name, chart in CHARTS.items():
        with pytest.raises(UsageError) as caught:
            chart(reports[name], "svg")
        assert caught.value.message == MISSING == ("charts need matplotlib: pip install 'kfollow[charts]' "
                                                   "(in a checkout: pip install '.[charts]')")
        assert caught.value.status is ExitStatus.USAGE


def test_characters_the_font_lacks_are_one_warning_line(run, tmp_path):
    """A name with ＝ (U+FF1D) printed matplotlib's raw `UserWarning: Glyph 65309 … missing` with its
    source path and line, twice per chart (found in review): now one `warning:` line."""
    folder = small_year(tmp_path / "b", "  A:\n    namn: A\n    staber:\n"
                                        "      S1: {namn: \"Stab ＝ett\", budget: 10, utfall: 9}\n")
    result = run("chart", "avvikelse", "--budgets", folder, "--year", "2024", "-o", tmp_path / "c.svg")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert lines[0].startswith("warning: the chart '") and "(U+FF1D); they show as empty boxes" in lines[0], lines
    assert "UserWarning" not in result.stderr and "charts.py" not in result.stderr


def test_a_verksamhet_chart_without_verksamhet_rows_points_to_a_chart_command(tmp_path):
    """Found by a new user: the advice was `--by stab`, which `chart` has not."""
    from typer.testing import CliRunner

    from kfollow.cli import app

    result = CliRunner().invoke(app, ["chart", "verksamhet", "--budgets", str(ROOT / "examples" / "budgets"),
                                      "-o", str(tmp_path / "v.svg")])
    assert result.exit_code == 2
    assert "or look per stab (kfollow chart avvikelse)" in result.output and "--by" not in result.output


def test_an_axis_of_small_values_has_ticks_that_read_their_values():
    """Found by a new user: a stab's chart of -0,17 mnkr had ticks `-0,2 -0,2 -0,1 0,0 0`: two the same,
    one reading 0,0 for -0,05. An axis's ticks share the decimals they need."""
    assert charts.tick_places([-0.2, -0.15, -0.1, -0.05, 0.0]) == 2
    assert charts.tick_places([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]) == 0
    assert charts.tick_places([0.0, 0.5, 1.0, 1.5]) == 1
    assert [charts.tick(v, places=2) for v in (-0.2, -0.05, 0.0)] == ["-0,20", "-0,05", "0,00"]


def test_a_small_deviation_chart_labels_its_axis_distinctly(tmp_path):
    """The same, drawn: the ticks of the chart of one stab's small deviation, read back from the SVG."""
    import re
    import subprocess

    out = tmp_path / "hr.svg"
    result = subprocess.run([sys.executable, "-m", "kfollow", "chart", "avvikelse", "--budgets",
                             str(ROOT / "examples" / "budgets"), "--period", "2024-10", "--stab", "HR", "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ticks = [t for t in texts(out.read_bytes()) if re.fullmatch(r"-?[0-9]+(,[0-9]+)?", t)]
    assert ticks and len(ticks) == len(set(ticks)), ticks
    assert "-0,05" in ticks and "0,00" in ticks, ticks


@pytest.mark.parametrize("kind", ["verksamhet", "avvikelse"])
def test_a_chart_in_kronor_keeps_its_figures_and_ticks_apart(tmp_path, kind):
    """Found by an economist: in kronor the x axis read `50 000 000100 000 000150 000 000…` and a bar's
    figure (`-48 108 400`) ran into the row's name; another touched the right edge."""
    import re

    root = parsed(drawn(tmp_path, kind, "--budgets", str(ROOT / "budgets"), "--year", "2024", "--unit", "kr"))
    width = float(root.get("width").removesuffix("pt")) * (4 / 3 if root.get("width").endswith("pt") else 1)
    shown = []
    for t in root.iter(f"{SVG}text"):
        style, text = t.get("style") or "", "".join(t.itertext()).replace("\u00a0", " ").replace("\u202f", " ")
        size = float(re.search(r"font-size: ([0-9.]+)px", style).group(1))
        anchor = "end" if "text-anchor: end" in style else "start" if "text-anchor: start" in style else "middle"
        shown.append((text, size, anchor, float(t.get("x") or 0)))
    names_end = max(x for text, size, anchor, x in shown if anchor == "end" and not re.search(r"[0-9] [0-9]{3}$", text))
    figures = [(text, size, anchor, x) for text, size, anchor, x in shown if re.fullmatch(r"[+-]?[0-9 ]+", text)
               and size < 9]
    for text, size, anchor, x in figures:  # (a character of DejaVu Sans's digits is 0,64 of its size)
        if anchor == "end":
            assert x - len(text) * size * 0.64 > names_end, (text, x, names_end)
        else:
            assert x + len(text) * size * 0.64 < width, (text, x, width)
    ticks = [text for text, size, anchor, x in shown if anchor == "middle" and re.fullmatch(r"-?[0-9 ]+", text)]
    assert 3 <= len(ticks) <= 5 and all(len(t) <= 11 for t in ticks), ticks


def test_a_small_deviation_bar_has_a_figure_that_shows_it(tmp_path):
    """Found by an economist: at 2024-04 three staber had a hatched underskott bar labelled `0,0` (-0,04
    mnkr rounded as the table rounds it): a deficit with no amount. Such a bar's figure has the
    decimals that show it."""
    shown = texts(drawn(tmp_path, "avvikelse", "--budgets", str(ROOT / "examples" / "budgets"), "--period", "2024-04"))
    assert "0,0" not in shown and "-0,04" in shown, shown
    assert charts.bar_amount(-4_000_00, "mnkr") == "-0,004" and charts.bar_amount(0, "mnkr") == "0,0"
    assert charts.bar_amount(97_000_000, "mnkr") == "+1,0" and charts.bar_amount(4_000_000, "mnkr") == "+0,04"
    # (found reviewing it: 40 kr in mnkr was `0,0000`, without its minus; as many decimals as one öre has)
    assert charts.bar_amount(-4000, "mnkr") == "-0,00004" and charts.bar_amount(40, "mnkr") == "+0,0000004"


def test_the_month_chart_keeps_its_lowest_point_and_its_legend_off_the_lines(tmp_path):
    """Found by an economist: SERV's month chart put its last point (-1,3) on the axis's bottom edge, its
    marker cut in half, and the legend on the budget's line at 0. The axis now runs past the lowest
    point, and the legend stands above the axes, as the other charts' do."""
    root = parsed(drawn(tmp_path, "manader", "--budgets", str(ROOT / "examples" / "budgets"), "--forvaltning", "SERV"))
    at = {"".join(t.itertext()): float(t.get("y") or t.get("transform", "0 0").split()[-1].rstrip(")"))
          for t in root.iter(f"{SVG}text")}
    assert "-1,4" in at, sorted(at)  # a tick below the lowest point, -1,31
    assert at["Budget ack."] < at["0,0"] and at["Utfall ack."] < at["0,0"]  # (y grows downwards)


def test_the_deviation_chart_says_a_resultat_units_deviation_is_utfall_minus_budget(tmp_path):
    """Found by an economist: the axis says `budget − utfall`, and VSS (budget 0,0, utfall -9,8, shown
    as resultat) has a bar of -9,8, which that formula would make +9,8. The chart now says why."""
    svg = drawn(tmp_path, "avvikelse", "--budgets", str(ROOT / "budgets"), "--year", "2024")
    said = "Verksamhetsstöd och service redovisas som resultat: dess avvikelse är utfall − budget"
    assert said in " ".join(texts(svg)) and said in parsed(svg).find(f"{SVG}desc").text


def test_a_full_years_month_chart_puts_its_last_figures_past_december(tmp_path):
    """Found laying out the report: with December booked, the last figures stood left of their points,
    on the lines ("19,6" crossed by the budget's); they stand right of December, as October's do."""
    root = parsed(drawn(tmp_path, "manader", "--budgets", str(ROOT / "examples" / "budgets"), "--year", "2023",
                        "--stab", "HR"))
    x = {"".join(t.itertext()): float(t.get("x")) for t in root.iter(f"{SVG}text") if t.get("x")}
    assert x["Budget 20,2"] > x["dec"] and x["Utfall 19,6"] > x["dec"], sorted(x)


def test_a_long_caption_is_a_heading_of_several_lines_within_the_figure(tmp_path):
    """Found in review: with filters the month chart's caption ran off both sides of the figure."""
    root = parsed(drawn(tmp_path, "manader", "--budgets", str(ROOT / "examples" / "sie" / "budgets"), "--stab", "EKO",
                        "--stab", "LED"))
    width = float(root.get("width").removesuffix("pt"))
    caption = charts._heading("Månad för månad 2024, Ekonomistab, Ledningsstab, kostnadsslag personal, "
                              "kostnadsslag ovriga, belopp i mnkr")
    assert len(caption.splitlines()) == 2
    assert all(len(line) * 10.5 * 0.66 <= width for line in caption.splitlines())


SHARED = """\
ar: {year}
organisation: Småby kommun
enhet: tkr
verksamheter:
  "100": "Nämnd- och styrelseverksamhet"
  "500": "Individ- och familjeomsorg"
  "920": "Gemensamma verksamheter"
forvaltningar:
  KSF:
    namn: Kommunstyrelseförvaltningen
    ej_fordelat:
      verksamheter: {{utfall: 1500.0}}
    verksamheter:
      "100": {{utfall: {k100}}}
      "920": {{utfall: {k920}}}
  SOC:
    namn: Socialförvaltningen
    redovisas_som: {soc}
    verksamheter:
      "500": {{utfall: 88000.0}}
      "920": {{utfall: {s920}}}
  TEK:
    namn: Tekniska förvaltningen
    summa: {{utfall: 31000.0}}
"""


@pytest.mark.parametrize("soc", ["nettokostnad", "resultat"])
def test_a_verksamhet_of_two_forvaltningar_is_told_apart_and_no_forvaltning_is_a_bar(tmp_path, soc):
    """Found by a new user: two bars `920 - Gemensamma verksamheter` (KSF's and SOC's) with nothing to tell
    them apart, and a förvaltning without verksamheter (TEK) drawn as a bar among the verksamheter."""
    for year, (k100, k920, s920) in ((2023, (4800.0, 21000.0, 7500.0)), (2024, (5280.0, 23100.0, 8250.0))):
        (tmp_path / f"{year}.yaml").write_text(SHARED.format(year=year, k100=k100, k920=k920, s920=s920, soc=soc),
                                               encoding="utf-8")
    report = kfollow.compare(kfollow.load(tmp_path), 2023, 2024, by="verksamhet")
    svg = chart_verksamhet(report, "svg")
    desc = parsed(svg).find(f"{SVG}desc").text
    resultat = ", resultat" if soc == "resultat" else ""
    # each bar by its label and figures: a code one förvaltning has keeps its label as the table's
    assert desc.split(": ", 1)[1].split(". ")[0].split("; ") == [
        "100 - Nämnd- och styrelseverksamhet 4,8 och 5,3", "920 - Gemensamma verksamheter (KSF) 21,0 och 23,1",
        f"500 - Individ- och familjeomsorg{' (resultat)' if resultat else ''} 88,0 och 88,0",
        f"920 - Gemensamma verksamheter (SOC{resultat}) 7,5 och 8,3"]
    said = ("Tekniska förvaltningen redovisas inte per verksamhet och ingår inte i diagrammet. Belopp som inte är "
            "fördelade på verksamhet ingår inte heller: Ej fördelat på verksamhet (KSF).")
    # (and the remark on the bar of a resultat: a document says them under the chart, which it draws without them)
    assert desc.endswith(said) and charts.note(report, "verksamhet") == (
        f"{charts.RESULTAT_REMARK} {said}" if resultat else said)
    shown = " ".join(texts(svg))
    assert "Tekniska förvaltningen 31,0" not in desc and "31,0" not in texts(svg) and "1,5" not in texts(svg)
    assert ("(resultat) visas som i tabellen" in shown) == bool(resultat)
    assert chart_verksamhet(report, "png").startswith(PNG_SIGNATURE)


TWO_WITH_STABER = """\
ar: 2024
organisation: Testkommun
enhet: tkr
forvaltningar:
  KSF:
    namn: Kommunstyrelsens förvaltning
    staber:
      ADM: {namn: Administration, budget: 12000.0, utfall: 11200.0}
      EKO: {namn: Ekonomistab, budget: 8000.0, utfall: 8300.0}
  SOC:
    namn: Socialförvaltningen
    staber:
      ADM: {namn: Administration, budget: 15000.0, utfall: 16100.0}
      IFO: {namn: Individ- och familjeomsorg, budget: 90000.0, utfall: 93500.0}
  TEK:
    namn: Tekniska förvaltningen
    summa: {budget: 30000.0, utfall: 29000.0}
"""


def test_a_deviation_chart_of_several_forvaltningar_says_whose_each_stab_is(tmp_path):
    """Found in a trial: the chart per stab of a kommun of several förvaltningar drew KSF's and SOC's
    `Administration` as two bars alike, and no bar said which förvaltning it belonged to (the table's Summa rows,
    which tell them apart there, are no bars). A förvaltning shown as one row keeps its own name."""
    (tmp_path / "2024.yaml").write_text(TWO_WITH_STABER, encoding="utf-8")
    svg = chart_avvikelse(kfollow.deviation(kfollow.load(tmp_path), 2024), "svg")
    desc = parsed(svg).find(f"{SVG}desc").text
    assert desc.split(": ", 1)[1].rstrip(".").split("; ") == [
        "Administration (KSF) +0,8 (överskott)", "Ekonomistab (KSF) -0,3 (underskott)",
        "Administration (SOC) -1,1 (underskott)", "Individ- och familjeomsorg (SOC) -3,5 (underskott)",
        "Tekniska förvaltningen +1,0 (överskott)"]
    assert "Administration (SOC)" in texts(svg) and "Tekniska förvaltningen" in texts(svg)
    # one förvaltning's staber need no such mark (the bundled example: KLF's staber and a förvaltning of one row)
    one = parsed(chart_avvikelse(kfollow.deviation(kfollow.load(BUDGETS), 2024), "svg")).find(f"{SVG}desc").text
    assert "Ekonomistaben +9,1 (överskott)" in one and "(KLF)" not in one


DIFFERENS = """\
ar: {year}
organisation: Testby
enhet: tkr
verksamheter: {{"100": Nämnd, "920": Gemensamma verksamheter}}
forvaltningar:
  A:
    namn: Förvaltning A
    summa: {{budget: 1000, utfall: {summa}}}
    staber:
      S1: {{namn: Stab ett, budget: 600, utfall: 590}}
      S2: {{namn: Stab två, budget: 300, utfall: 310}}
    verksamheter:
      "100": {{budget: 600, utfall: 590}}
      "920": {{budget: 300, utfall: 310}}
"""


def test_the_deviation_chart_draws_the_difference_from_the_forvaltnings_summa(tmp_path):
    """Found in review: the table's row 'Differens mot förvaltningens summa' (money the förvaltning's total has and
    its staber do not) was left out of the chart of avvikelse without a word, its bars +10 and -10 adding up to 0
    where the total's deviation is -100; it is a bar, as the money not attributed to a stab is, and the chart per
    verksamhet, which draws verksamheter only, names it among what it leaves out."""
    for year, summa in ((2023, 1000), (2024, 1100)):
        (tmp_path / f"{year}.yaml").write_text(DIFFERENS.format(year=year, summa=summa), encoding="utf-8")
    store = kfollow.load(tmp_path)
    svg = chart_avvikelse(kfollow.deviation(store, 2024, unit="tkr"), "svg")
    assert parsed(svg).find(f"{SVG}desc").text == (
        "Avvikelse, tkr, positiv är överskott: Stab ett +10 (överskott); Stab två -10 (underskott); Differens mot "
        "förvaltningens summa -100 (underskott).")
    # (a difference whose avvikelse is 0, of 2023's budget and utfall alike, is no bar: it is none of the deviation)
    assert "Differens" not in parsed(chart_avvikelse(kfollow.deviation(store, 2023, unit="tkr"), "svg")).find(
        f"{SVG}desc").text
    report = kfollow.compare(store, 2023, 2024, by="verksamhet", unit="tkr")
    said = ("Belopp som inte är fördelade på verksamhet ingår inte i diagrammet: Differens mot förvaltningens "
            "summa (A).")
    assert parsed(chart_verksamhet(report, "svg")).find(f"{SVG}desc").text.endswith(said)
    assert charts.note(report, "verksamhet") == said


LONG_NAME = "Kommunikations- och medborgardialogstaben för hållbar samhällsutveckling och demokratifrågor"


@pytest.mark.parametrize("kind", ["avvikelse", "verksamhet"])
def test_a_long_name_wrapped_to_four_lines_does_not_run_into_its_neighbours(reports, monkeypatch, kind):
    """Found by a nämndsekreterare (h127): a stab named 'Kommunikations- och medborgardialogstaben för hållbar
    samhällsutveckling och demokratifrågor' is four lines beside its bar, in a row of two lines' height: its first line
    stood on 'HR-stab' above it and its last on 'Digitaliseringsstaben' below, in the report's chart and the PDF. The
    rows are as far apart as the longest name needs; no two names of the axis overlap."""
    report = reports[kind]
    frame = report.frame.with_columns(rubrik=pl.when(pl.int_range(pl.len()) == 1).then(pl.lit(LONG_NAME))
                                      .otherwise(pl.col("rubrik")))
    figures = []
    real = charts._output
    monkeypatch.setattr(charts, "_output", lambda fig, *a: figures.append(fig) or real(fig, *a))
    CHARTS[kind](replace(report, frame=frame), "svg")
    (fig,) = figures
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in fig.axes[0].get_yticklabels() if t.get_text().strip()),
                   key=lambda b: b.y0)
    assert any(len(t.get_text().splitlines()) == 4 for t in fig.axes[0].get_yticklabels())
    for lower, upper in zip(boxes, boxes[1:]):
        assert lower.y1 <= upper.y0, (lower, upper)
