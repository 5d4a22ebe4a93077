"""Mutated inputs: whatever a byte flip, a truncation, a deleted or a doubled line does to a bundled
year file or to a SIE export, kfollow answers with its own exit codes (0–4) and, on an error, one
`Error:` line; never an exception, never exit 70 (the error boundary's "internal error").

Runs in-process with `catch_exceptions=False`, so an exception that passed the boundary fails the
test too. Hypothesis is derandomized and has no example database: CI sees the same examples.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUDGETS

YEAR_FILES = {name: (BUDGETS / name).read_bytes() for name in ("2023.yaml", "2024.yaml")}
OK_CODES = {0, 1, 2, 3, 4}
# bytes that mean something to YAML, SIE or a decoder, besides random ones
SPECIAL = [b"\x00", b"\t", b"\r", b"\n", b" ", b'"', b"'", b"\\", b"{", b"}", b"[", b"]", b":", b",", b"-", b"#",
           b"&", b"*", b"!", b"%", b"|", b">", b"\x1b", b"\x7f", b"\x85", b"\xa0", b"\xc3", b"\xe5", b"\xef\xbb\xbf",
           b"\xff\xfe", "\u202e".encode(), "\u2212".encode(), b".", b"0", b"9"]

MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),  # xor one byte
    st.tuples(st.just("put"), st.integers(0, 1 << 20), st.sampled_from(SPECIAL)),  # overwrite with a special byte
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20)),
    st.tuples(st.just("delete line"), st.integers(0, 1 << 20)),
    st.tuples(st.just("duplicate line"), st.integers(0, 1 << 20)),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=3)


def mutate(data: bytes, mutations: list[tuple]) -> bytes:
    """Apply the mutations in turn; positions are taken modulo the current length."""
    for kind, position, *arg in mutations:
        if not data:
            break
        at = position % len(data)
        if kind == "flip":
            data = data[:at] + bytes([data[at] ^ arg[0]]) + data[at + 1:]
        elif kind == "put":
            data = data[:at] + arg[0] + data[at + 1:]
        elif kind == "truncate":
            data = data[:at]
        else:
            lines = data.splitlines(keepends=True)
            i = position % len(lines)
            data = b"".join(lines[:i] + ([] if kind == "delete line" else [lines[i]]) + lines[i:])
    return data


def assert_own_error(result, what: str, findings_on_stdout: bool = False) -> None:
    """Exit 0–4, never 70; no traceback; on an error exactly one `Error:` line, the last one on
    stderr (`check` may instead report a file it cannot read as a `fel` finding on stdout)."""
    context = f"{what}: exit {result.exit_code}\nstdout: {result.stdout[-1500:]}\nstderr: {result.stderr[-1500:]}"
    assert result.exit_code in OK_CODES, context
    assert "Traceback" not in result.stdout + result.stderr, context
    errors = [line for line in result.stderr.splitlines() if "Error:" in line]
    if result.exit_code in (0, 1):
        assert not errors, context
        return
    if findings_on_stdout and result.exit_code == 3 and not errors:
        assert ": fel: " in result.stdout, context
        return
    assert len(errors) == 1 and result.stderr.splitlines()[-1] == errors[0], context
    assert errors[0].startswith("Error: ") and "internal error" not in errors[0], context
    if not findings_on_stdout:
        assert result.stdout == "", context


@settings(max_examples=35, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(YEAR_FILES)), mutations=MUTATIONS)
def test_a_mutated_year_file_gives_kfollows_own_errors(cli, name: str, mutations: list[tuple]):
    with tempfile.TemporaryDirectory() as tmp:
        budgets = Path(tmp) / "budgets"
        shutil.copytree(BUDGETS, budgets)
        (budgets / name).write_bytes(mutate(YEAR_FILES[name], mutations))
        assert_own_error(cli("deviation", "--budgets", budgets, "-f", "csv"), f"deviation, {name} {mutations}")
        assert_own_error(cli("check", "--budgets", budgets), f"check, {name} {mutations}", findings_on_stdout=True)


# --- a SIE export ----------------------------------------------------------------------------------

MAPPING = """\
forvaltning: ADM
konton: {"1": ignorera, "2": ignorera, "3": intakt, "4": kostnad, "5": kostnad, "6": kostnad, "7": kostnad,
         "8": ignorera}
stab:
  dimension: 1
  objekt: {Nord: NORD, Syd: SYD}
verksamhet:
  dimension: 6
  objekt: {"0001": "100", "0002": "130"}
"""


def _small_sie() -> bytes:
    """A small valid SIE 4 export: two months of vouchers with objects, and their #PSALDO."""
    from kfollow.sources.sie_writer import Row, Saldo, Voucher, write_sie

    vouchers = [
        Voucher("2024-01-15", [Row("4010", 123450, {1: "Nord", 6: "0001"}, text="Faktura"), Row("2440", -123450)],
                text="Leverantör"),
        Voucher("2024-01-20", [Row("3010", -50000, {1: "Syd", 6: "0002"}), Row("1930", 50000)]),
        Voucher("2024-02-03", [Row("5010", 2000000, {1: "Syd"}), Row("8310", -1025), Row("1930", -1998975)]),
    ]
    psaldo = [Saldo(0, "2024-01", "4010", 123450), Saldo(0, "2024-01", "3010", -50000),
              Saldo(0, "2024-02", "5010", 2000000), Saldo(0, "2024-01", "4010", 123450, {1: "Nord", 6: "0001"})]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_sie(Path(tmp) / "export.se", company="Testkommun", generated="2025-01-15",
                         years={0: ("2024-01-01", "2024-12-31"), -1: ("2023-01-01", "2023-12-31")},
                         accounts={"1930": "Bank", "2440": "Leverantörsskulder", "3010": "Taxor", "4010": "Material",
                                   "5010": "Löner", "8310": "Ränteintäkter"},
                         dimensions={1: "Ansvar", 6: "Projekt"},
                         objects={(1, "Nord"): "Kontor Nord", (1, "Syd"): "Kontor Syd", (6, "0001"): "P1"},
                         vouchers=vouchers, psaldo=psaldo)
        return path.read_bytes()


SIE = _small_sie()


def test_the_unmutated_sie_imports(cli, tmp_path: Path):
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "export.se").write_bytes(SIE)
    result = cli("import", "sie", tmp_path / "export.se", "--mapping", tmp_path / "map.yaml",
                      "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 4  # header and three facts


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations=MUTATIONS, source=st.sampled_from(["trans", "psaldo"]), unmapped_empty=st.booleans())
def test_a_mutated_sie_export_gives_kfollows_own_errors(cli, mutations: list[tuple], source: str,
                                                       unmapped_empty: bool):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "map.yaml").write_text(MAPPING, encoding="utf-8")
        (folder / "export.se").write_bytes(mutate(SIE, mutations))
        out = folder / "out.csv"
        args = ["import", "sie", folder / "export.se", "--mapping", folder / "map.yaml", "-o", out, "--from", source]
        result = cli(*args, *(["--unmapped-empty"] if unmapped_empty else []))
        assert_own_error(result, f"import sie --from {source}, {mutations}")
        assert result.stdout == ""
        assert out.exists() == (result.exit_code == 0), "the fact table is written exactly when the import succeeds"
