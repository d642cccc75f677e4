"""iCalendar export: an event per visit and per leg, TZID Asia/Ho_Chi_Minh, stable UIDs, GEO."""

from datetime import datetime

import icalendar
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.export.ical import itinerary_to_ical
from tourlink.itinerary import TZ


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


@pytest.fixture(scope="module")
def cal(itinerary):
    return icalendar.Calendar.from_ical(itinerary_to_ical(itinerary))


def test_events_for_visits_lunches_and_legs(itinerary, cal):
    events = cal.walk("VEVENT")
    n_visits = sum(1 for d in itinerary.days for s in d.stops if s.kind in ("destination", "lunch"))
    n_legs = sum(len(d.legs) for d in itinerary.days)
    assert len(events) == n_visits + n_legs
    market = next(e for e in events if str(e["summary"]) == "Chợ nổi Cái Răng")
    assert market.decoded("dtstart") == datetime(2026, 12, 10, 5, 30, tzinfo=TZ)
    assert market["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert (market["geo"].latitude, market["geo"].longitude) == (10.0037, 105.756)
    assert "Cần Thơ" in str(market["location"])
    boat = next(e for e in events if str(e["summary"]).startswith("Fast boat"))
    assert boat.decoded("dtstart").strftime("%H:%M") == "08:00"
    assert boat.decoded("dtend").strftime("%H:%M") == "10:45"


def test_vtimezone_and_fixed_dtstamp(cal):
    tz = cal.walk("VTIMEZONE")
    assert [str(t["tzid"]) for t in tz] == ["Asia/Ho_Chi_Minh"]
    stamps = {e.decoded("dtstamp") for e in cal.walk("VEVENT")}
    assert len(stamps) == 1


def test_uids_are_stable_and_unique(itinerary, cal):
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    again = icalendar.Calendar.from_ical(itinerary_to_ical(famtrip()))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == uids
    assert itinerary_to_ical(itinerary) == itinerary_to_ical(famtrip())


def test_special_characters_survive_as_text(cal):
    assert SPECIAL in [str(e["summary"]) for e in cal.walk("VEVENT")]


def test_a_title_with_line_breaks_gives_a_calendar_and_a_whole_pack(tmp_path):
    """Bug 3: TOML ``title = "a\\nb"`` crashed the calendar (exit 1) and left 8 of 14 pack files."""
    from dataclasses import replace

    from fixtures_itinerary import famtrip

    from tourlink.export import write_pack
    from tourlink.export.ical import itinerary_to_ical

    it = replace(famtrip(), title="line one\nline two\r\nthree")
    cal = icalendar.Calendar.from_ical(itinerary_to_ical(it))
    assert str(cal["x-wr-calname"]) == "line one line two three"
    files = write_pack(it, tmp_path / "pack", formats="json,gpx,kml,csv,xlsx,ics,html")
    assert len(files) == 9 and (tmp_path / "pack" / "calendar.ics").is_file()


def test_dtstamp_is_when_the_calendar_is_made(monkeypatch):
    """Bug 12: DTSTAMP was the tour's first day (a date in the future); RFC 5545 wants the creation time."""
    from datetime import UTC, timedelta

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    cal = icalendar.Calendar.from_ical(itinerary_to_ical(famtrip()))
    stamps = {e.decoded("dtstamp") for e in cal.walk("VEVENT")}
    assert len(stamps) == 1 and before <= stamps.pop() <= datetime.now(UTC) + timedelta(seconds=1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # reproducible builds: a fixed time
    cal = icalendar.Calendar.from_ical(itinerary_to_ical(famtrip()))
    assert {e.decoded("dtstamp") for e in cal.walk("VEVENT")} == {datetime(2026, 1, 1, tzinfo=UTC)}
