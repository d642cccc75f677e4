"""Safe output: a hostile place name shows as text in every renderer; YAML is read safely; no eval.

Every user-supplied string of the hand-made famtrip (place names, English names, provinces,
partner, leg names, title, dropped reasons) is replaced by :data:`HOSTILE`; the outputs are then
*parsed* (HTML with :mod:`html.parser`, KML/GPX with :mod:`xml.etree`) and must hold no live
``<script>`` element running ``alert`` and must show the name as text. A package-wide grep
guards against ``eval(``, ``exec(``, unsafe ``yaml.load`` and ``pickle.load``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures_itinerary import famtrip

from tourlink.itinerary import Coverage, Dropped, Itinerary

HOSTILE = '<script>alert(1)</script> & "x"'
PACKAGE = Path(__file__).resolve().parent.parent / "tourlink"


def hostile(it: Itinerary) -> Itinerary:
    """``it`` with every user-visible free-text field set to :data:`HOSTILE` (ids kept)."""
    def stop(s):
        return replace(s, name=HOSTILE, name_en=HOSTILE, province_legacy=HOSTILE, province_2025=HOSTILE,
                       partner=HOSTILE if s.partner else "")

    days = tuple(replace(d, start=stop(d.start), end=stop(d.end), stops=tuple(stop(s) for s in d.stops),
                         legs=tuple(replace(leg, name=HOSTILE) for leg in d.legs)) for d in it.days)
    return replace(it, days=days, title=HOSTILE, partnership=HOSTILE,
                   dropped=(*it.dropped, Dropped("x-dropped", HOSTILE, HOSTILE)),
                   coverage=tuple(Coverage(HOSTILE, HOSTILE, HOSTILE, c.stops, c.nights)
                                  for c in it.coverage))


@pytest.fixture(scope="module")
def tour() -> Itinerary:
    """The 3-day famtrip of tests/fixtures_itinerary.py with hostile names everywhere."""
    return hostile(famtrip())


class _Scripts(HTMLParser):
    """Collects the text of every <script> element and all visible text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self._in.append("")

    def handle_endtag(self, tag):
        if tag == "script" and self._in:
            self.scripts.append(self._in.pop())

    def handle_data(self, data):
        if self._in:
            self._in[-1] += data
        else:
            self.text.append(data)


def _parse_html(text: str) -> _Scripts:
    p = _Scripts()
    p.feed(text)
    p.close()
    return p


def _js_unescaped(text: str) -> str:
    """``text`` with JS/JSON string escapes (``\\u003c``, ``\\x3c``, ``\\/``) decoded."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\\/", "/")


def assert_no_live_script(html: str) -> None:
    """No <script> element runs alert(1), and no markup (even inside JS strings) would create one."""
    page = _parse_html(html)
    assert not any(s.strip().startswith("alert(1)") for s in page.scripts), "a live <script>alert(1)"
    assert "<script>alert" not in html
    # strings inside the page's JS (popups, tooltips) become HTML in the browser: still escaped there
    assert "<script>alert" not in _js_unescaped(html)


# ============================================================================ HTML map
def test_map_shows_hostile_name_as_text(tour):
    from tourlink import maps
    html = maps.to_html(maps.explore(tour))
    assert_no_live_script(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _js_unescaped(html)


def test_partnership_map_escapes_destination_names():
    import pandas as pd

    from tourlink import maps
    dests = pd.DataFrame([{"id": "x1", "name_vi": HOSTILE, "name_en": HOSTILE, "lon": 105.78, "lat": 10.03,
                           "province_legacy": "Hậu Giang", "province_2025": "Cần Thơ", "kind": "museum",
                           "themes": ("museum",), "visit_minutes": 60, "opening_hours": "Mo-Su 08:00-17:00",
                           "fee_vnd": 0, "score": 50}])
    html = maps.to_html(maps.explore_partnership("kien-giang--hau-giang", destinations=dests))
    assert_no_live_script(html)


def test_partnership_map_cli_escapes_a_user_partnership(tmp_path, capsys):
    """A user's partnerships file with a hostile programme name goes through `partnerships map`."""
    import yaml

    from tourlink.cli import main
    from tourlink.paths import data_file
    entry = yaml.safe_load(data_file("partnerships.yaml").read_text(encoding="utf-8"))[0]
    entry.update(id="evil", name_vi=HOSTILE, name_en=HOSTILE, slogan=HOSTILE)
    for m in entry["members"]:
        m["note"] = HOSTILE
    src = tmp_path / "p.yaml"
    src.write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    out = tmp_path / "map.html"
    assert main(["-q", "partnerships", "--file", str(src), "map", "evil", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    assert_no_live_script(out.read_text(encoding="utf-8"))


# ============================================================================ printable itinerary
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_printable_itinerary_shows_hostile_name_as_text(tour, lang):
    from tourlink.export.printable import itinerary_to_html
    html = itinerary_to_html(tour, lang=lang)
    assert_no_live_script(html)
    page = _parse_html(html)
    assert any(HOSTILE in t for t in page.text), "the name does not show as text"


# ============================================================================ KML / GPX
def _xml_texts(root: ET.Element) -> list[str]:
    return [t for el in root.iter() for t in (el.text, el.tail) if t]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_kml_holds_hostile_name_as_text(tour):
    from tourlink.export.kml import itinerary_to_kml
    root = ET.fromstring(itinerary_to_kml(tour).encode("utf-8"))
    assert not [el for el in root.iter() if _local(el.tag) == "script"]
    names = [el.text for el in root.iter() if _local(el.tag) == "name"]
    assert HOSTILE in names


def test_kml_descriptions_are_escaped_html(tour):
    """Google Earth shows <description> (and BalloonStyle <text>) as HTML: the name must be HTML-escaped."""
    from tourlink.export.kml import itinerary_to_kml
    root = ET.fromstring(itinerary_to_kml(tour).encode("utf-8"))
    descriptions = [el.text for el in root.iter() if _local(el.tag) in ("description", "text") and el.text]
    assert descriptions
    for text in descriptions:
        assert "<script>alert" not in text, text[:200]


def test_kmz_holds_the_same_escaped_kml(tour):
    import io
    import zipfile

    from tourlink.export.kml import itinerary_to_kml, kmz_bytes
    with zipfile.ZipFile(io.BytesIO(kmz_bytes(itinerary_to_kml(tour)))) as z:
        inner = [n for n in z.namelist() if n.endswith(".kml")]
        root = ET.fromstring(z.read(inner[0]))
    assert HOSTILE in [el.text for el in root.iter() if _local(el.tag) == "name"]


def test_gpx_holds_hostile_name_as_text(tour):
    from tourlink.export.gpx import itinerary_to_gpx
    root = ET.fromstring(itinerary_to_gpx(tour).encode("utf-8"))
    assert not [el for el in root.iter() if _local(el.tag) == "script"]
    names = [el.text for el in root.iter() if _local(el.tag) == "name"]
    assert any(n and HOSTILE in n for n in names)  # GPX <name>/<desc> are plain text: parsed back verbatim


def test_whole_pack_has_no_live_script(tour, tmp_path):
    from tourlink.export import write_pack
    files = write_pack(tour, tmp_path, formats=["json", "map", "gpx", "kml", "geojson", "csv", "ics", "html"])
    for f in files:
        if f.suffix == ".html":
            assert_no_live_script(f.read_text(encoding="utf-8"))
        elif f.suffix in (".kml", ".gpx"):
            ET.fromstring(f.read_bytes())  # well-formed XML despite the name


# ============================================================================ odd characters
ODD_NAMES = {
    "control": "Chùa\x00\x0b\x1f Dơi",         # pasted from a spreadsheet or a PDF
    "cdata_end": "Chùa ]]> <![CDATA[ Dơi",       # closes a CDATA section
    "noncharacter": "Chùa \ufffe\uffff Dơi",    # not allowed in XML 1.0
    "ics_injection": "Chùa\r\nBEGIN:VEVENT\r\nSUMMARY:evil",
}


def _named(it: Itinerary, name: str) -> Itinerary:
    d0 = it.days[0]
    return replace(it, days=(replace(d0, stops=tuple(replace(s, name=name) for s in d0.stops)), *it.days[1:]))


def _well_formed_xml(fmt: str, it: Itinerary) -> ET.Element:
    from tourlink.export.gpx import itinerary_to_gpx
    from tourlink.export.kml import itinerary_to_kml
    text = itinerary_to_gpx(it) if fmt == "gpx" else itinerary_to_kml(it)
    return ET.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("fmt, kind", [
    ("gpx", "control"), ("kml", "control"),
    ("gpx", "cdata_end"), ("kml", "cdata_end"),
    ("gpx", "noncharacter"), ("kml", "noncharacter"),
    ("gpx", "ics_injection"), ("kml", "ics_injection"),
])
def test_odd_characters_keep_gpx_and_kml_well_formed(fmt, kind):
    root = _well_formed_xml(fmt, _named(famtrip(), ODD_NAMES[kind]))
    names = [el.text or "" for el in root.iter() if _local(el.tag) == "name"]
    assert any("Chùa" in n for n in names)


def test_control_characters_in_the_xlsx_timetable():
    import io

    import openpyxl

    from tourlink.export.timetable import timetable_xlsx
    wb = openpyxl.load_workbook(io.BytesIO(timetable_xlsx(_named(famtrip(), ODD_NAMES["control"]))))
    assert any("Chùa" in str(c.value) for row in wb.active.iter_rows() for c in row if c.value)


def test_a_name_cannot_inject_calendar_events():
    import icalendar

    from tourlink.export.ical import itinerary_to_ical
    base = icalendar.Calendar.from_ical(itinerary_to_ical(famtrip()))
    cal = icalendar.Calendar.from_ical(itinerary_to_ical(_named(famtrip(), ODD_NAMES["ics_injection"])))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(list(base.walk("VEVENT")))
    assert not any(str(e.get("summary")) == "evil" for e in events)
    assert any("BEGIN:VEVENT" in str(e.get("summary")) for e in events)  # shown as text


# ============================================================================ YAML and eval
def test_python_tags_in_yaml_are_rejected(tmp_path):
    from tourlink.errors import ValidationError
    from tourlink.partnerships import load_partnerships
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="evil.yaml"):
        load_partnerships(path)
    assert not marker.exists()


_UNSAFE = [
    (re.compile(r"(?<![\w.])eval\("), "eval("),
    (re.compile(r"(?<![\w.])exec\("), "exec("),
    (re.compile(r"\bpickle\.loads?\("), "pickle.load"),
    (re.compile(r"\bmarshal\.loads?\("), "marshal.load"),
    (re.compile(r"\byaml\.(?:load|load_all)\((?![^)]*SafeLoader)"), "yaml.load without SafeLoader"),
    (re.compile(r"\byaml\.(?:unsafe_load|full_load)"), "yaml.unsafe_load/full_load"),
    (re.compile(r"\bshell\s*=\s*True"), "subprocess shell=True"),
]


def test_package_source_has_no_eval_exec_unsafe_yaml_or_pickle():
    found = []
    sources = sorted(PACKAGE.rglob("*.py")) + sorted((PACKAGE.parent / "tools").glob("*.py"))
    assert len(sources) > 10
    for path in sources:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for pattern, what in _UNSAFE:
                if pattern.search(code):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{n}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_grep_catches_what_it_looks_for():
    """Each pattern of the grep test matches the unsafe call it names (so the test can fail)."""
    samples = ["x = eval(s)", "exec(code)", "pickle.load(f)", "yaml.load(text)", "yaml.unsafe_load(t)",
               "subprocess.run(c, shell=True)", "marshal.loads(b)"]
    for sample in samples:
        assert any(p.search(sample) for p, _ in _UNSAFE), sample
    assert not any(p.search("yaml.safe_load(text)") for p, _ in _UNSAFE)
    assert not any(p.search("yaml.load(text, Loader=yaml.SafeLoader)") for p, _ in _UNSAFE)
    assert not any(p.search("ast.literal_eval(s)") for p, _ in _UNSAFE)
