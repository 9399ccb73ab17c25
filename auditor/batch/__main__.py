"""``python -m auditor.batch INPUT... --out DIR``: the batch subcommand on its own."""

import sys

from .cli import main

sys.exit(main())
