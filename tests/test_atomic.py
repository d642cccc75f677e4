"""Atomic writes: an interrupted write leaves the previous file, never a half-written one."""

import pytest

from tourlink.atomic import atomic_write, write_bytes, write_text


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "out.txt"
    write_text(target, "first")
    write_text(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_failure_inside_block_keeps_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "out.bin"
    write_bytes(target, b"old")
    with pytest.raises(RuntimeError), atomic_write(target, "wb") as fh:
        fh.write(b"half-")
        raise RuntimeError("disk pulled out")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_failure_on_new_file_leaves_nothing(tmp_path):
    target = tmp_path / "new.txt"
    with pytest.raises(KeyError), atomic_write(target) as fh:
        fh.write("x")
        raise KeyError("boom")
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_ordinary_permissions(tmp_path):
    import os
    target = write_text(tmp_path / "p.txt", "x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
