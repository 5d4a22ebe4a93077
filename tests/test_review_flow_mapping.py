"""Found in review: the decimal-comma check of a flow mapping refused a digit key with an empty value in any
flow mapping: the mapping file's `objekt: {"2000": ""}` is valid and documented."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import(mapping: Path, out: Path):
    return subprocess.run([sys.executable, "-m", "kfollow", "import", "sie", str(ROOT / "examples" / "sie" / "exempelby.se"),
                           "--mapping", str(mapping), "--year", "2024", "-o", str(out)], capture_output=True, text=True)


def test_an_empty_object_id_in_a_flow_mapping_is_valid(tmp_path):
    src = (ROOT / "examples" / "sie" / "mapping.yaml").read_text(encoding="utf-8")
    block = _import(ROOT / "examples" / "sie" / "mapping.yaml", tmp_path / "a.csv")
    assert block.returncode == 0, block.stderr
    flow = src[:src.index("stab:\n")] + ('stab:\n  dimension: 1\n  objekt: {"1110": LED, "1120": EKO, "1130": HR, '
                                         '"1140": KOM, "1150": DIG, "1160": SAM, "1170": FRI, "2000": ""}\n')
    (tmp_path / "flow.yaml").write_text(flow, encoding="utf-8")
    result = _import(tmp_path / "flow.yaml", tmp_path / "b.csv")
    assert result.returncode == 0, result.stderr  # (before the fix: exit 3, "splits the number 'FRI,2000' ... FRI.2000")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_verksamhet_without_a_name_is_not_told_of_a_decimal_comma(tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text('ar: 2024\norganisation: T\nenhet: tkr\nverksamheter:\n  "100": Nämnd\n  "920": G\n'
                                 "forvaltningar:\n  KSF:\n    namn: K\n"
                                 '    verksamheter: {"100": {budget: 1200, utfall: 1100}, "920": }\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "--budgets", str(d)], capture_output=True, text=True)
    assert r.returncode == 3
    # (before the fix: "a decimal comma inside { } splits the number '1240,920'; write it with a decimal point: 1240.920")
    assert "1240" not in r.stderr and "decimal comma" not in r.stderr, r.stderr


def test_a_name_with_a_comma_in_a_flow_mapping_is_told_to_be_quoted(tmp_path):
    """Found by a new user: `kop: {namn: Köp av verksamhet, bidrag och material, konton: ["4"]}` was refused as
    "unknown key 'bidrag och material' in kostnadsslag kop; allowed: namn, konton", with nothing of what to do; the
    comma ended the name. Quoted, the same line is read."""
    d = tmp_path / "b"
    year = (ROOT / "examples" / "budgets" / "2024.yaml").read_text(encoding="utf-8")
    d.mkdir()
    for name in ("2023.yaml", "2024.yaml"):
        (d / name).write_text((ROOT / "examples" / "budgets" / name).read_text(encoding="utf-8"), encoding="utf-8")
    line = '  kop: {namn: Köp av verksamhet, bidrag och material, konton: ["4"]}\n'
    (d / "2024.yaml").write_text(year.replace("forvaltningar:", "kostnadsslag:\n" + line + "forvaltningar:", 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kfollow", "check", "--budgets", str(d)], capture_output=True, text=True)
    assert "unknown key 'bidrag och material' in kostnadsslag kop; a comma inside { } ends a value, so 'Köp av " \
           "verksamhet, bidrag och material' was read as two; write a value with a comma in quotes: \"Köp av " \
           "verksamhet, bidrag och material\"" in result.stdout + result.stderr
    quoted = line.replace("namn: Köp av verksamhet, bidrag och material", 'namn: "Köp av verksamhet, bidrag och material"')
    (d / "2024.yaml").write_text(year.replace("forvaltningar:", "kostnadsslag:\n" + quoted + "forvaltningar:", 1), encoding="utf-8")
    shown = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "--budgets", str(d)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr


def test_a_name_cut_by_two_commas_is_told_whole(tmp_path):
    """Found in review: `{namn: Köp, bidrag, material, …}` was told to quote "Köp, bidrag", which moved the
    error to `material`; the hint now names the whole value the commas cut."""
    d = tmp_path / "b"
    d.mkdir()
    for name in ("2023.yaml", "2024.yaml"):
        (d / name).write_text((ROOT / "examples" / "budgets" / name).read_text(encoding="utf-8"), encoding="utf-8")
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "forvaltningar:", 'kostnadsslag:\n  kop: {namn: Köp, bidrag, material, konton: ["4"]}\nforvaltningar:', 1),
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kfollow", "check", "--budgets", str(d)], capture_output=True, text=True)
    assert "'Köp, bidrag, material' was read as three; write a value with a comma in quotes: \"Köp, bidrag, " \
           "material\"" in result.stdout + result.stderr
