"""The CLI frame: exit codes and one-line errors."""

from tourlink.cli import main


def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    assert "exit codes" in capsys.readouterr().out


def test_unknown_subcommand_is_exit_2(capsys):
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_no_subcommand_is_exit_2():
    assert main([]) == 2


def test_error_with_a_newline_in_a_file_name_is_one_line(capsys, tmp_path):
    assert main(["export", str(tmp_path / "no\nsuch.json"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no\\nsuch.json" in err


def test_write_under_a_file_is_exit_2(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["partnerships", "map", "kien-giang--hau-giang", "--out", str(blocker / "m.html")])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1
