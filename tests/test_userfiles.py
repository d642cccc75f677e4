"""Limits on users' files: YAML aliases and deep nesting refused, size bounded (bugs 1, 2)."""

import pytest

from tourlink.cli import main
from tourlink.errors import ValidationError
from tourlink.partnerships import load_partnerships
from tourlink.request import TourRequest
from tourlink.userfiles import MAX_BYTES, load_yaml, read_text

#: "billion laughs": 9 levels of 9 aliases, 387 million strings once expanded (about 600 bytes)
BOMB = "\n".join(
    ["- id: x", "  name_vi: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"  f{a}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["  members: *i"]
) + "\n"


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    f = tmp_path / "bomb.yaml"
    f.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 700
    with pytest.raises(ValidationError, match=r"line 3: not valid YAML \(aliases \(\*a\) are not accepted"):
        load_partnerships(f)


@pytest.mark.parametrize("argv", [["partnerships", "--file", "{f}"],
                                  ["partnerships", "show", "x", "--file", "{f}"],
                                  ["destinations", "--partnership", "x", "--file", "{f}"]])
def test_every_command_reading_a_partnerships_file_refuses_the_bomb(argv, tmp_path, capsys):
    f = tmp_path / "bomb.yaml"
    f.write_text(BOMB, encoding="utf-8")
    assert main([a.format(f=f) for a in argv]) == 2
    assert "aliases" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "- " * 3000 + "x",
                                  "{a: " * 2000 + "1" + "}" * 2000])
def test_deep_yaml_is_exit_2_not_a_recursion_error(text, tmp_path, capsys):
    f = tmp_path / "deep.yaml"
    f.write_text(text, encoding="utf-8")
    assert main(["partnerships", "--file", str(f)]) == 2
    err = capsys.readouterr().err
    assert "nested more than 40 levels deep" in err and err.count("\n") == 1


def test_ordinary_yaml_still_loads():
    assert load_yaml("- a: [1, {b: 2}]\n", source="x") == [{"a": [1, {"b": 2}]}]
    assert load_partnerships()  # the bundled file


@pytest.mark.parametrize("text", ["x = " + "[" * 5000 + "]" * 5000,
                                  'start_date = 2026-12-10\ndays = 2\nstart = "A"\nmust = '
                                  + "[" * 3000 + "]" * 3000])
def test_deep_toml_is_exit_2_not_a_recursion_error(text, tmp_path, capsys):
    f = tmp_path / "deep.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match="nested too deeply"):
        TourRequest.from_toml(f)
    assert main(["plan", "--request", str(f)]) == 2
    assert "nested too deeply" in capsys.readouterr().err


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    f = tmp_path / "big.yaml"
    with open(f, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(ValidationError, match="more than the 5,000,000 accepted"):
        read_text(f, what="a partnerships YAML file")


@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-25", "0001-01-01", "2100-01-01", "1999-12-31"])
def test_a_date_outside_the_century_is_exit_2(day, capsys):
    """9999-12-31 overflowed (exit 1); 9999-12-25 planned a tour in the year 9999."""
    assert main(["plan", "--partnership", "kien-giang--hau-giang", "--days", "3", "--start", "Cần Thơ",
                 "--date", day]) == 2
    assert "is outside 2000–2099" in capsys.readouterr().err
