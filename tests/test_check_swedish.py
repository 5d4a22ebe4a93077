"""`check` speaks Swedish (issue 16, item 6): every finding is one Swedish sentence, and an amount
below 1 mnkr is said in tkr (below 1 tkr in kr), never as `0,0 mnkr`; the `--fail-over` lines too.

Run on the bundled budgets, the example kommun, and crafted year files that trigger every kind of
finding `check` has besides a file that cannot be read (whose message is the loader's error).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import BUDGETS, ROOT, without_note_sums
from kfollow.render.numbers import diagnostic_amount, readable_amount

EXAMPLES = ROOT / "examples"

# words of an English sentence; none is a Swedish word (checked as whole words, case-insensitive)
ENGLISH = re.compile(r"\b(is|are|the|of|but|and|add|has|have|no|not|than|gap|sums?|project|correct|declared|"
                     r"booked|nothing|beyond|missing|check|year|more|less|left|unspent|after|book|give|groups?|"
                     r"account|accounts|given|for|in|by|to|its|their)\b", re.IGNORECASE)
ENGLISH_PHRASES = ("is beyond", "has no", "add ", "missing")
AMOUNT = re.compile(r"(?<![\d,])(-?\d{1,3}(?: \d{3})*(?:,\d+)?) (mnkr|tkr|kr)\b")


def _words(message: str) -> str:
    """The message without what it quotes: file paths (`…/2024.yaml:93`) and their tmp folders."""
    return " ".join(t for t in message.split() if "/" not in t and ".yaml" not in t)


def assert_swedish(message: str) -> None:
    text = message.replace("\u00a0", " ")
    words = _words(text)
    assert not ENGLISH.search(words), (ENGLISH.search(words)[0], message)
    assert not any(p in words for p in ENGLISH_PHRASES), message
    assert not re.search(r"(?<!\d)-?0,0 mnkr", text), message
    for m in AMOUNT.finditer(text):
        value, unit = Decimal(m[1].replace(" ", "").replace(",", ".")), m[2]
        below = {"mnkr": 1, "tkr": 1}.get(unit)
        if below is not None and value != 0 and abs(value) < below:
            # an exact amount in the file's unit may be small; then it says the rounded one it shows
            rest = text[m.end():]
            assert re.match(r" \(-?\d[\d ]*(?:,\d+)? (tkr|kr)\)", rest), (m[0], message)


def findings(run, folder: Path, *options: str) -> list[dict]:
    result = run("check", "--budgets", folder, "-f", "json", *options)
    assert result.exit_code in (0, 1, 3), result.stderr  # 3: a year twice, a file check cannot use
    found = json.loads(result.stdout)
    table = run("check", "--budgets", folder, *options)  # the same messages, as people read them
    assert table.stdout.count("\n") == len(found)
    for f in found:
        assert_swedish(f["meddelande"])
        assert f"{f['niva']}: {f['meddelande']}" in table.stdout
    return found


def write_year(folder: Path, doc: dict, name: str = "2024.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def typed_year(ar: int = 2024) -> dict:
    """KLF per stab and per verksamhet, utfall for January–February, with both views' gaps declared."""
    def months(amount: float) -> dict:
        return {f"{ar}-01": amount / 2, f"{ar}-02": amount / 2}

    return {
        "ar": ar, "organisation": "Testkommun", "enhet": "tkr",
        "verksamheter": {"100": "Nämnd- och styrelseverksamhet", "920": "Gemensamma verksamheter"},
        "forvaltningar": {"KLF": {
            "namn": "Kommunledningsförvaltningen",
            "summa": {"budget": 1000, "utfall": months(1100)},
            "staber": {"KS": {"namn": "Kommunstyrelsen", "budget": 600, "utfall": months(500)},
                       "EKS": {"namn": "Ekonomistaben", "budget": 400, "utfall": months(420)}},
            "ej_fordelat": {"staber": {"budget": 0, "utfall": months(180)},
                            "verksamheter": {"budget": 0, "utfall": months(80)}},
            "verksamheter": {"100": {"budget": 500, "utfall": months(600)},
                             "920": {"budget": 500, "utfall": months(420)}}}},
    }


def _copied_year(folder: Path, changed: dict[str, float] | None = None) -> Path:
    """The example's 2024 and a 2025 copied from it as a controller starts the new year: the year and the months
    renamed, the budgets as they were (but `changed`: stab → its new budget)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (EXAMPLES / "budgets" / "2024.yaml").read_text(encoding="utf-8")
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    doc = yaml.safe_load(text.replace("2024-", "2025-"))
    doc["ar"] = 2025
    for stab, budget in (changed or {}).items():
        doc["forvaltningar"]["KSF"]["staber"][stab]["budget"] = budget
    return write_year(folder, doc, "2025.yaml")


def _investments_2023(folder: Path, section: str) -> None:
    path = folder / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\ninvesteringar:")] + "\ninvesteringar:\n" + section, encoding="utf-8")


def _simhallen(status: str, tidigare: str, budget: str, utfall: str = "87092.6") -> str:
    return (f"  projekt:\n    simhallen:\n      namn: KS simhallen\n      forvaltning: KLF\n      status: {status}\n"
            f"      beslutad_budget: 990512.0\n      ack_utfall_tidigare: {tidigare}\n      budget: {budget}\n"
            f"      utfall: {utfall}\n")


def scenario(name: str, tmp: Path) -> tuple[Path, tuple[str, ...]]:
    """A folder whose check finds the kind `name`, and the options that make it."""
    folder = tmp / "budgets"
    if name in ("ej_fordelat", "kommentar_saknas"):
        return write_year(folder, typed_year()), ("--period", "2024-02", "--require-comment-over", "1%")
    if name == "vy_differens":
        doc = typed_year()
        del doc["forvaltningar"]["KLF"]["ej_fordelat"]["staber"]
        return write_year(folder, doc), ()
    if name == "vy_ofullstandig":
        doc = typed_year()
        for stab in doc["forvaltningar"]["KLF"]["staber"].values():
            del stab["utfall"]
        del doc["forvaltningar"]["KLF"]["ej_fordelat"]["staber"]["utfall"]
        return write_year(folder, doc), ()
    if name == "bokford_fore":  # one row typed a month ahead of the others
        doc = typed_year()
        doc["forvaltningar"]["KLF"]["staber"]["KS"]["utfall"]["2024-03"] = 0.4
        return write_year(folder, doc), ()
    if name == "bokford_kort":
        doc = typed_year()
        klf = doc["forvaltningar"]["KLF"]
        for row in (klf["summa"], klf["staber"]["KS"], klf["staber"]["EKS"], klf["ej_fordelat"]["verksamheter"],
                    klf["verksamheter"]["100"]):
            row["utfall"]["2024-03"] = 0.4
        return write_year(folder, doc), ()
    if name == "profil_olika":
        doc = typed_year()
        doc["profiler"] = {"sommar": {"vikter": [10, 10, 9, 8, 8, 7, 4, 6, 8, 9, 10, 11]}}
        for stab in doc["forvaltningar"]["KLF"]["staber"].values():
            stab["profil"] = "sommar"
        return write_year(folder, doc), ()
    if name == "redovisning_andrad":  # VSS's `redovisas_som: resultat` left out of 2024, as in a rollover
        shutil.copytree(BUDGETS, folder)
        year = folder / "2024.yaml"
        text = year.read_text(encoding="utf-8")
        assert text.count("    redovisas_som: resultat\n") == 1
        year.write_text(text.replace("    redovisas_som: resultat\n", ""), encoding="utf-8")
        return folder, ()
    if name == "budget_som_fjol":  # 2025 copied from 2024 with its budgets left as they were
        return _copied_year(folder), ()
    if name == "rad_dubbel":  # the example's SIE export's last month appended to its table again
        shutil.copytree(EXAMPLES / "sie" / "budgets", folder)
        without_note_sums(folder)
        table = folder / "utfall-2024.csv"
        lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
        last = max(line.split(",")[0] for line in lines[1:])
        table.write_text("".join(lines) + "".join(line for line in lines[1:] if line.startswith(last)), encoding="utf-8")
        return folder, ()
    if name == "tecken":  # a budget table's income exported positive, as a budget system may
        doc = typed_year()
        del doc["forvaltningar"]["KLF"]
        doc["budget_fil"], doc["utfall_fil"] = "budget.csv", "utfall.csv"
        doc["forvaltningar"]["A"] = {"namn": "Förvaltning A", "staber": {"S1": {"namn": "Stab ett"}}}
        header = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
        write_year(folder, doc)
        (folder / "budget.csv").write_text(header + "2024,A,S1,,5010,kostnad,1200000.00\n2024,A,S1,,3010,intakt,"
                                           "240000.00\n", encoding="utf-8")
        (folder / "utfall.csv").write_text(header + "2024-01,A,S1,,5010,kostnad,100000.00\n2024-01,A,S1,,3010,intakt,"
                                           "-20000.00\n", encoding="utf-8")
        return folder, ()
    if name == "andring_en_vy":  # a change between two staber that names no verksamhet, where they have budgets
        doc = typed_year()
        doc["ombudgeteringar"] = [{"datum": "2024-06-17", "beslut": "KS § 1", "text": "flytt", "rader": [
            {"forvaltning": "KLF", "stab": "KS", "belopp": -100.0}, {"forvaltning": "KLF", "stab": "EKS", "belopp": 100.0}]}]
        return write_year(folder, doc), ()
    if name == "andring_storlek":  # a change in kr in a file in tkr
        doc = typed_year()
        doc["ombudgeteringar"] = [{"datum": "2024-02-12", "beslut": "KF § 88", "text": "tillskott", "rader": [
            {"forvaltning": "KLF", "stab": "KS", "verksamhet": "100", "belopp": 45000.0}]}]
        return write_year(folder, doc), ()
    if name == "andring_dubbel":  # a decision typed in twice
        doc = typed_year()
        change = {"datum": "2024-02-12", "beslut": "KF § 88", "text": "tillskott", "rader": [
            {"forvaltning": "KLF", "stab": "KS", "verksamhet": "100", "belopp": 45.0}]}
        doc["ombudgeteringar"] = [change, copy.deepcopy(change)]
        return write_year(folder, doc), ()
    if name == "prognos_manad":  # a forecast of March, where its row is booked to February
        doc = typed_year()
        doc["forvaltningar"]["KLF"]["staber"]["KS"]["prognos"] = {"2024-03": 590}
        return write_year(folder, doc), ()
    if name == "ar_dubbel":
        write_year(folder, typed_year())
        return write_year(folder, typed_year(), "2024.yml"), ()
    if name == "storlek":  # amounts in tkr under enhet: kr, as the README's b4
        shutil.copytree(BUDGETS, folder)
        year = folder / "2024.yaml"
        year.write_text(year.read_text(encoding="utf-8").replace("\nenhet: tkr", "\nenhet: kr", 1), encoding="utf-8")
        return folder, ()
    if name in ("kostnadsslag_tomt", "konto_utan_kostnadsslag"):
        shutil.copytree(EXAMPLES / "sie" / "budgets", folder)
        without_note_sums(folder)
        year = folder / "2024.yaml"
        year.write_text(year.read_text(encoding="utf-8") + "kostnadsslag:\n  tomt: {namn: Tomt, konton: ['99']}\n"
                        "  personal: {namn: Personal, konton: ['50']}\n", encoding="utf-8")
        return folder, ()
    if name == "inv_bokford_kort":  # the example kommun booked to October, a pågående project to May
        shutil.copytree(EXAMPLES / "budgets", folder)
        without_note_sums(folder)
        year = folder / "2024.yaml"
        year.write_text(year.read_text(encoding="utf-8") + "investeringar:\n  projekt:\n    bil:\n      namn: Bil\n"
                        "      forvaltning: KSF\n      status: pågående\n      beslutad_budget: 900.0\n"
                        "      budget: 900.0\n      utfall: {2024-01: 100, 2024-02: 0, 2024-03: 100, 2024-04: 0, "
                        "2024-05: 100}\n", encoding="utf-8")
        return folder, ()
    shutil.copytree(BUDGETS, folder)
    if name in ("inv_efter_klar", "inv_overfort_fg"):  # simhallen färdigställd in 2023 with 100 000 tkr unspent
        _investments_2023(folder, _simhallen("färdigställd", "790512.0", "187092.6"))
    elif name == "inv_efter_avbrutet":  # simhallen avbruten in 2023 and 2024, yet 60 790,1 tkr booked on it in 2024
        _investments_2023(folder, _simhallen("avbruten", "790512.0", "112907.4"))
        year = folder / "2024.yaml"
        old = "    simhallen:\n      namn: KS simhallen\n      forvaltning: KLF\n      status: färdigställd\n"
        year.write_text(year.read_text(encoding="utf-8").replace(old, old.replace("färdigställd", "avbruten")),
                        encoding="utf-8")
    elif name == "inv_ack_minskar":
        _investments_2023(folder, _simhallen("pågående", "862907.4", "200000.0"))
    elif name == "inv_ack_ingang":
        _investments_2023(folder, _simhallen("pågående", "700000.0", "200000.0"))
    elif name == "inv_forsvunnen":  # an ongoing project of 2023 that 2024's file lacks (its id changed)
        _investments_2023(folder, _simhallen("pågående", "790512.0", "87092.6").replace("    simhallen:\n", "    simhall:\n"))
    else:  # inv_summa, inv_overfort, inv_ack_negativ: a 2024 project that breaks each, and KLF's total
        year = folder / "2024.yaml"
        text = year.read_text(encoding="utf-8").replace("  projekt:\n", "  projekt:\n    garage:\n      namn: Garage\n"
                                                        "      forvaltning: KLF\n      status: pågående\n"
                                                        "      beslutad_budget: 900.0\n      ack_utfall_tidigare: -0.75\n"
                                                        "      budget: 0.5\n      varav_overfort: 0.8\n"
                                                        "      utfall: 0.25\n", 1)
        text = text.replace("      rubrik: Investeringar, netto (KS, KLF)\n",
                            "      rubrik: Investeringar, netto (KS, KLF)\n      utfall: 245000.0\n", 1)
        year.write_text(text, encoding="utf-8")
    return folder, ()


KINDS = ["ej_fordelat", "kommentar_saknas", "vy_differens", "vy_ofullstandig", "bokford_kort", "profil_olika",
         "ar_dubbel", "storlek", "kostnadsslag_tomt", "konto_utan_kostnadsslag", "inv_efter_klar", "inv_overfort_fg",
         "inv_efter_avbrutet", "inv_bokford_kort", "inv_ack_minskar", "inv_ack_ingang", "inv_forsvunnen", "inv_summa", "inv_overfort", "inv_ack_negativ", "tecken",
         "andring_en_vy", "prognos_manad", "andring_dubbel", "rad_dubbel",
         "redovisning_andrad", "bokford_fore", "andring_storlek", "budget_som_fjol"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_finding_is_one_swedish_sentence(run, tmp_path, kind):
    folder, options = scenario(kind, tmp_path)
    found = findings(run, folder, *options)
    assert kind in {f["kod"] for f in found}, [f["meddelande"] for f in found]


@pytest.mark.parametrize("folder, options", [
    (BUDGETS, ()),
    (BUDGETS, ("--require-comment-over", "0.5%")),
    (EXAMPLES / "budgets", ("--period", "2024-10", "--require-comment-over", "1%")),
    (BUDGETS, ("--require-comment-over", "0.1%", "--by", "verksamhet")),
    (EXAMPLES / "sie" / "budgets", ("--require-comment-over", "1%")),
], ids=["budgets", "budgets-comments", "examples", "budgets-verksamhet", "examples-sie"])
def test_the_bundled_findings_are_swedish(run, folder, options):
    assert findings(run, folder, *options)


def test_small_amounts_are_said_in_tkr_not_as_zero_mnkr(run, tmp_path):
    folder, _ = scenario("storlek", tmp_path)
    text = run("check", "--budgets", folder).stdout.replace("\u00a0", " ")
    assert "utfallet (kostnader + intäkter) 1 333 771,7 kr (1,3 mnkr) är 1/956 av 2023 års 1 274 958 300 kr (1 275,0 mnkr)" in text
    assert "(0,0 mnkr)" not in text and "(0,6 mnkr)" not in text


def test_fail_over_lines_are_swedish_with_small_amounts_in_tkr(run):
    result = run("deviation", "--budgets", EXAMPLES / "budgets", "--period", "2024-10", "--fail-over", "1%")
    assert result.exit_code == 1
    lines = result.stderr.replace("\u00a0", " ").splitlines()
    assert "--fail-over 1%: avvikelsen för HR-stab är -183 tkr (-1,04 %), över gränsen" in lines
    assert "--fail-over 1%: avvikelsen för Ekonomistab är 2,5 mnkr (16,3 %), över gränsen" in lines
    for line in lines:
        assert_swedish(line.removeprefix("--fail-over 1%: "))


@pytest.mark.parametrize("ore, unit, said", [
    (364_620_000, "tkr", "3 646,2 tkr (3,6 mnkr)"),
    (18_340_000, "mnkr", "0,1834 mnkr (183 tkr)"),
    (63_207_490, "kr", "632 074,9 kr (632 tkr)"),
    (18_340_000, "tkr", "183,4 tkr"),  # already in a unit that shows it
    (40_000, "tkr", "0,4 tkr (400 kr)"),
    (-125_000_000_00, "mnkr", "-125 mnkr"),
    (0, "mnkr", "0 mnkr"),
    (None, "tkr", "inget belopp"),
    (42_193_660_001, "tkr", "421 936 600,01 kr (421,9 mnkr)"),  # öre in tkr: in kr, not 421 936,60001 tkr
    (-1_250_001, "mnkr", "-12 500,01 kr (-13 tkr)"),
    (1_334_500, "tkr", "13 345 kr (13 tkr)"),  # not 13,345 tkr, which reads as 13 345 tkr
    (-73_379_400, "tkr", "-733 794 kr (-734 tkr)"),
    (123_400_000, "mnkr", "1 234 000 kr (1,2 mnkr)"),
    (1_334_000, "tkr", "13,34 tkr"),
])
def test_a_diagnostic_amount_is_rounded_in_a_unit_that_shows_it(ore, unit, said):
    assert diagnostic_amount(ore, unit) == said


def test_a_findings_exact_amounts_are_in_one_unit_and_none_reads_as_thousands(run, tmp_path):
    """SOC's utfall from the ekonomisystem's tables, 13 345 kr of it without verksamhet, in a year file in tkr:
    check said 'SOC 2026: 13,345 tkr av utfallet står utan verksamhet … summerar till 800 961 213,84 kr (801,0
    mnkr)', three units in one line, and 13,345 tkr read as 13 345 tkr beside another finding's '250 tkr' (found
    closing tertial 2). The amounts of a message are told in one unit, kr where one of them needs it."""
    folder = tmp_path / "budgets"
    folder.mkdir()
    (folder / "2026.yaml").write_text(
        "ar: 2026\norganisation: Testby\nenhet: tkr\nutfall_fil: utfall-2026.csv\nverksamheter:\n"
        "  '510': Individ- och familjeomsorg\n  '520': Äldreomsorg\nforvaltningar:\n  SOC:\n"
        "    namn: Socialförvaltningen\n    summa: {budget: 1200000}\n    staber:\n"
        "      IFO: {namn: IFO, budget: 700000}\n      ALD: {namn: Äldreomsorg, budget: 500000}\n"
        "    verksamheter:\n      '510': {budget: 700000}\n      '520': {budget: 500000}\n", encoding="utf-8")
    (folder / "utfall-2026.csv").write_text(
        "period,forvaltning,stab,verksamhet,konto,slag,belopp\n2026-01,SOC,IFO,510,5010,kostnad,500000000.42\n"
        "2026-01,SOC,ALD,520,5010,kostnad,300961213.42\n2026-01,SOC,ALD,,5010,kostnad,13345.00\n", encoding="utf-8")
    result = run("check", "--budgets", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.replace("\u00a0", " ").splitlines() == [
        f"{folder / '2026.yaml'}:9: varning: SOC 2026: 13 345 kr (13 tkr) av utfallet står utan verksamhet i "
        "utfallstabellerna (Ej fördelat på verksamhet): verksamhetsraderna summerar till 800 961 213,84 kr (801,0 mnkr) "
        "och förvaltningen enligt stabraderna till 800 974 558,84 kr (801,0 mnkr)"]
    # a message whose amounts the file's unit holds exactly keeps it
    (folder / "utfall-2026.csv").write_text(
        "period,forvaltning,stab,verksamhet,konto,slag,belopp\n2026-01,SOC,IFO,510,5010,kostnad,500000000.00\n"
        "2026-01,SOC,ALD,520,5010,kostnad,300000000.00\n2026-01,SOC,ALD,,5010,kostnad,250000.00\n", encoding="utf-8")
    assert "SOC 2026: 250 tkr av utfallet står utan verksamhet i utfallstabellerna (Ej fördelat på verksamhet): " \
           "verksamhetsraderna summerar till 800 000 tkr (800,0 mnkr) och förvaltningen enligt stabraderna till " \
           "800 250 tkr (800,3 mnkr)" in run("check", "--budgets", folder).stdout.replace("\u00a0", " ")


@pytest.mark.parametrize("ore, unit, places, said", [
    (-18_340_000, "mnkr", 1, "-183 tkr"),
    (250_000_000, "mnkr", 1, "2,5 mnkr"),
    (40_000, "mnkr", 1, "400 kr"),
    (40_000, "tkr", 0, "400 kr"),
    (40_000, "kr", 0, "400 kr"),
    (0, "mnkr", 1, "0,0 mnkr"),
])
def test_a_readable_amount_is_in_tkr_below_one_mnkr(ore, unit, places, said):
    assert readable_amount(ore, unit, places).replace("\u00a0", " ") == said


@pytest.mark.parametrize("value, limits, places", [
    (-1.02, [1.0], 2),  # -1,0 would read as the limit met
    (-1.04, [1.0], 2),
    (4.7, [1.0], 1),
    (1.0004, [1.0], 4),  # beyond only in the fourth decimal: shown with four
    (5.0, [1.0, 5.0], 4),  # not beyond the larger limit at all: the most decimals, never a loop
    (2.5, [], 1),  # an amount limit: as the table
    (None, [1.0], 1),
])
def test_a_percent_beyond_a_limit_is_shown_with_the_decimals_that_show_it(value, limits, places):
    from kfollow.engine.thresholds import places_beyond
    from kfollow.render.numbers import percent

    assert places_beyond(value, limits) == places
    if value is not None and limits and abs(value) > max(limits):
        assert abs(float(percent(value, swedish=False, places=places))) > max(limits)


def test_a_row_budgeted_at_zero_is_said_to_be_beyond_a_percent_because_its_budget_is_zero(run, tmp_path):
    """A row whose budget is 0 has no percent, and any deviation of it is beyond a percent limit: the
    finding says so ("mot budget 0", as the form says), not only that 180 tkr exceeds 1 %, which read as a figure
    lost (found reviewing the new year's check)."""
    folder = write_year(tmp_path / "budgets", typed_year())
    found = findings(run, folder, "--period", "2024-02", "--require-comment-over", "1%")
    rest = [f["meddelande"] for f in found if f["kod"] == "kommentar_saknas" and "Ej fördelat på stab" in f["meddelande"]]
    assert rest == ["Ej fördelat på stab 2024-02: avvikelsen -180 tkr mot budget 0 överskrider gränsen 1 % men "
                    "saknar kommentar för 2024-02; lägg till kommentarer: {2024-02: …} under ej_fordelat: staber: i "
                    "förvaltningen KLF"]
    by_amount = findings(run, folder, "--period", "2024-02", "--require-comment-over", "100tkr")
    assert any("avvikelsen -180 tkr överskrider gränsen 100 tkr" in f["meddelande"] for f in by_amount)


def test_a_year_copied_with_last_year_s_budgets_is_warned_of_at_its_forvaltning(run, tmp_path):
    """A 2025.yaml copied from 2024.yaml, its staber's budgets left as they were, passed check without a word, and
    every deviation of 2025 was measured against 2024's budget (found by a controller opening the new year, h130).
    One stab given its new budget is a budget written: no warning; nor for a förvaltning budgeted at 0 (SERV)."""
    found = findings(run, _copied_year(tmp_path / "copied"))
    copied = [f for f in found if f["kod"] == "budget_som_fjol"]
    ksf = (tmp_path / "copied" / "2025.yaml").read_text(encoding="utf-8").splitlines().index("  KSF:") + 1
    assert [(Path(f["fil"]).name, f["rad"], f["niva"]) for f in copied] == [("2025.yaml", ksf, "varning")]
    assert copied[0]["meddelande"] == (
        f"KSF 2025: budgeten för var och en av 7 staber är densamma som i {tmp_path / 'copied' / '2024.yaml'} (2024) "
        "på öret, tillsammans 164 500 tkr (164,5 mnkr); kopierades årsfilen utan att budgeten skrevs om? Skriv 2025 "
        "års budget (eller importera 2025 års budgetexport): årets avvikelser mäts annars mot förra årets budget")
    written = findings(run, _copied_year(tmp_path / "written", {"EKO": 19000.0}))
    assert "budget_som_fjol" not in {f["kod"] for f in written}


def test_a_stab_whose_gross_budget_was_written_anew_is_no_copied_budget(run, tmp_path):
    """LED budgeted gross, kostnader 25 000 and intäkter 1 000 tkr in 2024 and both raised by 1 000 tkr in 2025: its
    net is last year's, but its budget was written anew; check said every stab had 2024's budget to the öre
    (budget_som_fjol). The gross parts count too; the same gross budget is still last year's (found in review, h136)."""
    folder = tmp_path / "gross"
    _copied_year(folder, {"LED": {"kostnader": 26000.0, "intakter": 2000.0}})
    last = folder / "2024.yaml"
    text = last.read_text(encoding="utf-8")
    assert text.count("        budget: 24000.0\n") == 1
    last.write_text(text.replace("        budget: 24000.0\n", "        budget: {kostnader: 25000.0, intakter: 1000.0}\n"),
                    encoding="utf-8")
    assert "budget_som_fjol" not in {f["kod"] for f in findings(run, folder)}
    _copied_year(folder, {"LED": {"kostnader": 25000.0, "intakter": 1000.0}})
    last.write_text(text.replace("        budget: 24000.0\n", "        budget: {kostnader: 25000.0, intakter: 1000.0}\n"),
                    encoding="utf-8")
    copied = [f for f in findings(run, folder) if f["kod"] == "budget_som_fjol"]
    assert len(copied) == 1, copied
    assert copied[0]["meddelande"].startswith(
        f"KSF 2025: budgeten för var och en av 7 staber är densamma som i {last} (2024) på öret, tillsammans 164 500 tkr"
        " (164,5 mnkr); kopierades årsfilen"), copied
