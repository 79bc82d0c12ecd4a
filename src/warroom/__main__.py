"""`python -m warroom` is the same command as `warroom`."""

from warroom.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
