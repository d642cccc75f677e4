from tourlink.cli import run

run()
