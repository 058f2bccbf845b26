"""`python -m stackdemux`: the same as the `stackdemux` command."""

from .entry import main

if __name__ == "__main__":
    main()
