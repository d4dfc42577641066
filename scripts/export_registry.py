#!/usr/bin/env python3
"""Export a Python strategy registry to strategies.json (probe_registry.cli).

    python3 scripts/export_registry.py --module MODULE --out strategies.json
    python3 scripts/export_registry.py --module MODULE --check strategies.json

The same program as ``python3 -m probe_registry`` and the
``probe-export-registry`` command of the pip-installed package; run from a
probe checkout, it needs no installation. ``--help`` lists the options.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from probe_registry.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
