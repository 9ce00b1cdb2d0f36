"""``python -m icebergops``: the console script, for an environment whose scripts are not on PATH."""

from icebergops.cli.app import main

if __name__ == "__main__":
    main()
