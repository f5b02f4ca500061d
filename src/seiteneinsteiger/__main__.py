from seiteneinsteiger.cli.main import run

run()
