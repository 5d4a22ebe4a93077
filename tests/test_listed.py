"""Names listed in a note or message: at most five and `och N till`, never `och 1 till` where the sixth fits in its
place (found by a new user, h164: `Prognos … är – för LED, EKO, HR, KOM, DIG och 1 till`, which hid the sixth unit)."""

from __future__ import annotations

from kfollow.errors import listing


def test_up_to_six_are_all_named():
    assert listing([]) == ""
    assert listing(["LED"]) == "LED"
    assert listing(["LED", "EKO", "HR", "KOM", "DIG"]) == "LED, EKO, HR, KOM, DIG"
    assert listing(["LED", "EKO", "HR", "KOM", "DIG", "SAM"]) == "LED, EKO, HR, KOM, DIG, SAM"


def test_beyond_six_five_are_named_and_the_rest_counted():
    seven = ["LED", "EKO", "HR", "KOM", "DIG", "SAM", "FRI"]
    assert listing(seven) == "LED, EKO, HR, KOM, DIG och 2 till"
    assert listing([str(i) for i in range(1_005)]) == "0, 1, 2, 3, 4 och 1 000 till"
    assert listing(seven, most=2) == "LED, EKO och 5 till"
    assert listing(seven[:3], most=2) == "LED, EKO, HR"
