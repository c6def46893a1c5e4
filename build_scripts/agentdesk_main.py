"""The frozen bundle's entry script: the same ``ui.main:main`` the ``agentdesk`` console script runs."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
