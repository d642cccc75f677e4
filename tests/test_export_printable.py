"""Printable itinerary: Vietnamese and English pages in the operators' form, escaped names."""

import re

import pytest
from fixtures_itinerary import famtrip

from tourlink.export.printable import day_svg, find_chromium, html_to_pdf, itinerary_to_html, write_html


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


@pytest.fixture(scope="module")
def vi(itinerary):
    return itinerary_to_html(itinerary, lang="vi")


@pytest.fixture(scope="module")
def en(itinerary):
    return itinerary_to_html(itinerary, lang="en")


def test_vietnamese_form(vi):
    assert "NGÀY 1 (10/12/2026): CẦN THƠ – HẬU GIANG" in vi
    assert '<td class="time">05h30–07h00</td><td>Tham quan Chợ nổi Cái Răng' in vi
    assert ('<td class="time">08h00–10h45</td><td>Đi tàu cao tốc từ Cảng tàu khách Rạch Giá đến Cảng Bãi Vòng'
            in vi)
    assert "Nghỉ đêm tại Khách sạn Vị Thanh." in vi
    assert "Bữa ăn: sáng, trưa, tối" in vi  # day 2
    assert "Đường bộ 79 km, 2 h 40 · đường thủy 13 km, 45 phút" in vi  # day 1: road km are not boat km
    assert "khởi hành trước 07h30 để kịp tàu cao tốc 08h00." in vi  # day 3: for the boat
    assert "Giá bao gồm" in vi and "Giá không bao gồm" in vi and "Liên hệ" in vi
    assert "Nguyễn Văn A" in vi  # contact from itinerary.meta
    assert "Vé tàu cao tốc: Cảng tàu khách Rạch Giá – Cảng Bãi Vòng (08h00)" in vi


def test_english_form(en):
    assert "DAY 3 (12/12/2026)" in en
    assert "Overnight in Rach Gia Hotel." in en
    assert '<td class="time">05:30–07:00</td><td>Visit Cai Rang floating market' in en
    assert "Fast boat tickets: Rach Gia passenger port – Bai Vong port (08:00)" in en


def test_coverage_table_and_day_maps(vi, itinerary):
    assert re.search(r"<td>Kiên Giang</td><td>Kiên Giang</td><td>An Giang</td><td>3</td><td>1</td>", vi)
    assert vi.count('<svg class="daymap"') == 3
    svg = str(day_svg(itinerary.days[2]))
    assert svg.count("<polyline") == len(itinerary.days[2].legs)
    assert svg.count('stroke-dasharray="5 4"') == 1  # the fast boat


def test_special_characters_are_text(vi, en):
    for page in (vi, en):
        assert "<script>alert" not in page and "<b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


def test_unknown_language_is_refused(itinerary):
    with pytest.raises(ValueError, match="lang"):
        itinerary_to_html(itinerary, lang="fr")


def test_pdf_where_chromium_is_installed(itinerary, tmp_path):
    if find_chromium() is None:
        pytest.skip("chromium is not installed: no PDF")
    page = write_html(itinerary, tmp_path / "itinerary.en.html", lang="en")
    pdf = html_to_pdf(page, tmp_path / "itinerary.en.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    assert b"(D:20000101000000" in pdf.read_bytes()  # fixed dates: reproducible bytes


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_one_holds_the_title_and_day_one(lang, tmp_path):
    """Bug 12: a day never broke across pages, so a long day 1 left the title alone on page 1."""
    from dataclasses import replace

    pypdf = pytest.importorskip("pypdf")
    if find_chromium() is None:
        pytest.skip("chromium is not installed: no PDF")
    it = famtrip()
    long_title = "Famtrip Kiên Giang – Hậu Giang: Phú Quốc by boat, floating market at dawn, " * 3
    d1 = it.days[0]
    it = replace(it, title=long_title, days=(replace(d1, stops=d1.stops * 3, legs=d1.legs * 3), *it.days[1:]))
    page = write_html(it, tmp_path / f"itinerary.{lang}.html", lang=lang)
    pdf = html_to_pdf(page, tmp_path / f"itinerary.{lang}.pdf")
    first = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert ("NGÀY 1" if lang == "vi" else "DAY 1") in first, first[:300]


def test_piers_are_no_sightseeing_stops_and_ids_stay_inside(vi, en):
    """Polish: "05:53–05:53 Bến tàu …" before and after a market; "Superdong sd-…" and the partnership id."""
    for page in (vi, en):
        assert "sd-rach-gia--bai-vong" not in page and "kien-giang--hau-giang" not in page
        assert "Bến tàu du lịch Ninh Kiều.</td>" not in page and "Ninh Kieu tourist wharf.</td>" not in page
    assert "Đi thuyền từ Bến tàu du lịch Ninh Kiều đến Chợ nổi Cái Răng" in vi
    assert "Chương trình liên kết: Chương trình hợp tác phát triển văn hóa, thể thao và du lịch" in vi
    assert "3 days, 2 nights" in en and "3 ngày 2 đêm" in vi


def test_an_early_start_says_why(vi, en):
    """Bug 9: a day that leaves before day_start (07:30) says why (here the market at dawn)."""
    assert "khởi hành trước 07h30 để đến Chợ nổi Cái Răng lúc bình minh." in vi
    assert "departure before 07:30 to reach Cai Rang floating market at dawn." in en


def test_a_lunch_taken_on_arrival_comes_after_the_drive_there():
    """A lunch at the next site (the drive 10:00–11:00, lunch 11:00–12:00, the visit from 12:00) was
    printed before the drive ("11h10–12h10 Ăn trưa" above "10h09–11h10 Di chuyển …")."""
    from dataclasses import replace
    from datetime import date

    from fixtures_itinerary import _leg, _stop

    from tourlink.export._common import timeline
    from tourlink.itinerary import Day

    hotel = _stop("h", "Khách sạn", 105.0, 10.0, 1, "08:00", "08:00", kind="lodging")
    a = _stop("a", "Đình A", 105.1, 10.0, 1, "08:30", "10:00")
    lunch = _stop("l", "Lunch stop near Chùa B", 105.2, 10.0, 1, "11:00", "12:00", kind="lunch")
    b = _stop("b", "Chùa B", 105.2, 10.0, 1, "12:00", "13:00")
    end = _stop("h", "Khách sạn", 105.0, 10.0, 1, "14:00", "14:00", kind="lodging")
    legs = (_leg(hotel, a, "road", 10), _leg(a, b, "road", 40), _leg(b, end, "road", 40))
    legs = (legs[0], replace(legs[1], arrive=lunch.arrive, minutes=60), legs[2])
    day = Day(index=1, date=date(2026, 12, 10), start=hotel, end=end, stops=(a, lunch, b), legs=legs)
    order = [getattr(x, "name", None) or f"{x.from_id}→{x.to_id}" for x in timeline(day)]
    assert order == ["Khách sạn", "h→a", "Đình A", "a→b", "Lunch stop near Chùa B", "Chùa B", "b→h",
                     "Khách sạn"]
