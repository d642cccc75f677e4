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
