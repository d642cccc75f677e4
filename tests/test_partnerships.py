"""tourlink.partnerships: the bundled registry of the five seed programmes, and validation of user files."""

import textwrap

import pytest

from tourlink.errors import NotFoundError, ValidationError
from tourlink.partnerships import THEMES, get_partnership, load_partnerships, partnerships_from_yaml
from tourlink.regions import current_of, resolve

IDS = ["kien-giang--hau-giang", "bac-giang--4", "bac-giang--nghe-an", "mekong-13--ha-noi",
       "bac-giang--xaysomboun"]

GOOD = """\
- id: my-tour
  name_vi: Liên kết thử
  name_en: Trial link
  members:
    - {name: Tỉnh Kiên Giang, region: Kien Giang, note: as signed}
    - {name: Cần Thơ}
  period: 2026
  themes: [floating_market, nature]
  source: my-notes.txt
"""


def write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_five_programmes_are_bundled():
    items = load_partnerships()
    assert list(items) == IDS
    for p in items.values():
        assert p.name_vi and p.name_en and p.period and p.themes and p.members
        assert set(p.themes) <= set(THEMES)
        assert p.source.endswith(".txt")


def test_every_member_resolves_in_both_schemes():
    for p in load_partnerships().values():
        for m in p.members:
            if m.region is None:
                continue
            assert m.region.scheme == "legacy"
            assert resolve(m.name, scheme="legacy") == m.region     # the name as signed resolves too
            assert current_of(m.region).scheme == "2025"
            assert resolve(m.name, scheme="2025") == current_of(m.region)


def test_members_and_regions_of_the_programmes():
    kg = get_partnership("kien-giang--hau-giang")
    assert [r.key for r in kg.regions] == ["legacy:91", "legacy:93"]
    assert [r.name for r in kg.current_regions] == ["An Giang", "Cần Thơ"]
    bg4 = get_partnership("bac-giang--4")
    assert [r.name for r in bg4.regions] == ["Bắc Giang", "Bắc Ninh", "Thái Nguyên", "Hải Dương", "Lạng Sơn"]
    # Bắc Giang and Bắc Ninh are one province now: 5 legacy areas, 4 current provinces
    assert len(bg4.current_regions) == 4
    mekong = get_partnership("mekong-13--ha-noi")
    assert len(mekong.members) == 14 and len(mekong.regions) == 14
    assert resolve("Hà Nội", scheme="legacy") in mekong.regions


def test_laos_member_has_no_region_but_a_note():
    p = get_partnership("bac-giang--xaysomboun")
    laos = [m for m in p.members if m.region is None]
    assert len(laos) == 1 and "Lao" in laos[0].note
    assert [r.name for r in p.regions] == ["Bắc Giang"]


def test_slogans_are_quoted_from_the_articles():
    assert get_partnership("bac-giang--4").slogan == "Hai địa phương – Một điểm đến"
    assert get_partnership("mekong-13--ha-noi").slogan == "Mười bốn tỉnh, thành phố – Một điểm đến"
    assert get_partnership("kien-giang--hau-giang").slogan is None


def test_sources_are_seed_files(shared_dir):
    seeds = {p.name for p in (shared_dir / "seeds").glob("*.txt")}
    for p in load_partnerships().values():
        assert p.source in seeds


def test_get_by_name_and_miss_with_suggestions():
    assert get_partnership("Kiên Giang – Hậu Giang cooperation programme on culture, sports and tourism, "
                           "2022–2025").id == "kien-giang--hau-giang"
    with pytest.raises(NotFoundError) as err:
        get_partnership("kien-giang")
    assert "kien-giang--hau-giang" in err.value.suggestions


def test_user_file_loads_and_is_usable(tmp_path):
    items = load_partnerships(write(tmp_path, GOOD))
    p = items["my-tour"]
    assert [r.key for r in p.regions] == ["legacy:91", "legacy:92"]
    assert p.period == "2026" and p.slogan is None
    assert get_partnership("my-tour", path=tmp_path / "p.yaml") == p


@pytest.mark.parametrize(("change", "field", "words"), [
    (("  period: 2026\n", "  period: 2026\n  colour: red\n"), "entry 1 (my-tour)",
     ["unknown field 'colour'"]),
    (("  name_en: Trial link\n", ""), "entry 1 (my-tour)", ["missing field 'name_en'"]),
    (("region: Kien Giang", "region: Kien Giangg"), "members[1].region", ["Kien Giangg", "Kiên Giang"]),
    (("[floating_market, nature]", "[floating_markets]"), "themes", ["floating_market"]),
    (("{name: Cần Thơ}", "{name: Cần Thơ, regoin: Cần Thơ}"), "members[2]", ["'regoin'", "'region'"]),
    (("- id: my-tour", "- id: My Tour"), "id", ["lowercase"]),
    (("{name: Cần Thơ}", "{name: Laos, region: null}"), "members[2].note", ["outside Vietnam"]),
])
def test_broken_entry_gives_one_error_naming_file_entry_field(tmp_path, change, field, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ValidationError) as err:
        load_partnerships(path)
    msg = str(err.value)
    assert msg.startswith(str(path)) and "entry 1" in msg and field in msg
    for w in words:
        assert w in msg
    assert "\n" not in msg


def test_all_problems_at_once_and_duplicate_ids(tmp_path):
    text = GOOD + GOOD.replace("Cần Thơ}", "Cần Thoo}")
    with pytest.raises(ValidationError) as err:
        load_partnerships(write(tmp_path, text))
    problems = err.value.problems
    assert len(problems) == 2
    assert any("entry 2 (my-tour).members[2].region" in p and "Cần Thơ" in p for p in problems)
    assert any("duplicate id 'my-tour' (first used by entry 1)" in p for p in problems)


def test_not_yaml_not_a_list_and_missing_file(tmp_path):
    with pytest.raises(ValidationError, match=r"line 2: not valid YAML"):
        partnerships_from_yaml("- id: a\n  name_vi: b: c\n", source="x.yaml")
    with pytest.raises(ValidationError, match="expected a YAML list"):
        partnerships_from_yaml("id: a\n", source="x.yaml")
    with pytest.raises(ValidationError, match="file not found"):
        load_partnerships(tmp_path / "nope.yaml")
    with pytest.raises(ValueError):  # ValidationError is also a ValueError
        partnerships_from_yaml("[]")


def test_file_not_utf8_is_a_validation_error(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.encode("utf-8").replace("Liên".encode(), b"Li\xean"))  # ê in Latin-1
    with pytest.raises(ValidationError, match=r"latin\.yaml: not UTF-8 text \(byte \d+\)"):
        load_partnerships(path)
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))  # a BOM is fine
    assert list(load_partnerships(path)) == ["my-tour"]


def test_yaml_is_loaded_safely():
    with pytest.raises(ValidationError):
        partnerships_from_yaml("- !!python/object/apply:os.system ['true']\n")
