"""``python -m sync_worker``: see sync_worker.cli."""

import sys

from sync_worker.cli import main

if __name__ == "__main__":
    sys.exit(main())
