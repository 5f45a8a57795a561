"""``python -m searchkit``: the same as the ``searchkit`` command."""

from .cli import main

if __name__ == "__main__":
    main()
