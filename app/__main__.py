"""``python -m axiosphere``: the command line."""

from axiosphere.cli import main

if __name__ == "__main__":  # importing the module (as documentation tools do) must not run the command line
    main()
