"""The names of counted measures are defined once and each is reported once."""

from sufficiency.records import ACTIVITY, COUNTED, COUNTED_INDEX, MEASURES, Measure


def test_every_measure_name_is_reported_once():
    names = [value for key, value in vars(Measure).items() if key.isupper()]
    assert sorted(COUNTED) == sorted(names)
    assert len(set(MEASURES + ACTIVITY)) == len(COUNTED) == len(COUNTED_INDEX)
