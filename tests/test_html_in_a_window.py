"""The HTML document as a browser lays it out on a screen (found by a nämndsekreterare, h127): Chromium, where it is
installed, reads the page with a script added that measures each table against the width the page gives it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)

MEASURE = """<script>
window.addEventListener('load', () => {
  document.body.setAttribute('data-measured', [...document.querySelectorAll('div.tabell')].map(d =>
    d.querySelector('caption').textContent + '|' + d.scrollWidth + '|' + d.clientWidth).join(';;'));
});
</script>"""


def _measured(page: Path, width: int, tmp_path: Path) -> dict[str, tuple[int, int]]:
    """Each table of the page by its caption: the width it takes and the width its page gives it (CSS px), in a
    window `width` px wide. (The page's Content-Security-Policy, which allows no script, is left out of the copy.)"""
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"))
    copy = tmp_path / "measured.html"
    copy.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'c'}",
                          f"--window-size={width},1600", "--dump-dom", copy.as_uri()],
                         capture_output=True, text=True, timeout=180).stdout
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, dom[-2000:]
    return {caption: (int(taken), int(given)) for caption, taken, given in
            (item.split("|") for item in found[1].split(";;"))}


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_table_with_comments_fits_a_window_of_1200_px(run, tmp_path):
    """`report --budgets examples/answered/budgets --period 2024-10 --unit tkr -o rapport.html`, in a window 1 200 px
    wide: 'Resultat per stab' with its comments took 1 199 px of the 1 153 the page has, and 'per stab och
    kostnadsslag' 1 215, their comments cut at the window's edge for the reader to scroll to, the comment column held
    at 16 rem; at 12 rem every table fits."""
    page = tmp_path / "rapport.html"
    result = run("report", "--budgets", str(ROOT / "examples" / "answered" / "budgets"), "--period", "2024-10",
                 "--unit", "tkr", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    tables = _measured(page, 1200, tmp_path)
    assert "Resultat januari–oktober 2024 per stab, belopp i tkr" in tables
    assert "Resultat januari–oktober 2024 per stab och kostnadsslag, belopp i tkr" in tables
    for caption, (taken, given) in tables.items():
        assert taken <= given, (caption, taken, given)
