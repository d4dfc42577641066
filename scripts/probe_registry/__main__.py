"""``python3 -m probe_registry``: the exporter (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
