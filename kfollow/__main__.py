"""`python -m kfollow` and the `kfollow` console script: the command line, in a process of its own."""

import gc


def main() -> None:
    # A command is a short process that makes many small objects (imports, a year file of thousands of
    # staber parsed into nodes) and almost no reference cycles: Python's default collector would walk
    # them again and again (measured: 0.06 s of a 1 M-row run, 0.4 s of a 21 000-stab year). Collect
    # seldom, as mypy does for the same reason; set before the imports, which make most of them.
    gc.set_threshold(200_000, 30, 30)
    from kfollow.cli import main as run

    run()


if __name__ == "__main__":
    main()
