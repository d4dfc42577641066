"""probe's own compiler checks, run on an export before it is written.

The exporter checks what Python can see (every condition has a JSON form,
fields are typed); probe's compiler checks the rest (known columns, the
bars-back guards of ``expr``, parameter ranges). Running the compiler's
``--validate`` on the exported text means one command lists every error,
instead of half of them surfacing only at ``make generate``.

It needs a probe checkout with its npm dependencies installed: the one
this package lives in, or ``--probe DIR`` / ``PROBE_HOME`` when the package
is pip-installed elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Optional

__all__ = ["CompilerCheck", "find_probe", "run_compiler_check"]

COMPILER = os.path.join("compiler", "main.ts")
TSX = os.path.join("node_modules", ".bin", "tsx")


@dataclass
class CompilerCheck:
    """What the compiler said: ``errors`` (one line each) and its summary
    lines (never-trade and duplicate findings) when the registry is valid;
    ``skipped`` says why it did not run."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: Optional[str] = None


def find_probe(explicit: Optional[str] = None) -> Optional[str]:
    """The probe checkout: ``explicit``, else ``PROBE_HOME``, else the
    checkout this package sits in (``scripts/probe_registry``), else None.
    A named folder that is no checkout is an error, not a silent skip."""
    for origin, named in (("--probe", explicit),
                          ("PROBE_HOME", os.environ.get("PROBE_HOME"))):
        if named:
            if not os.path.isfile(os.path.join(named, COMPILER)):
                raise FileNotFoundError(f"{origin} {named} is not a probe "
                                        f"checkout (no {COMPILER})")
            return os.path.abspath(named)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    if os.path.isfile(os.path.join(here, COMPILER)):
        return os.path.abspath(here)
    return None


def run_compiler_check(text: str, probe: Optional[str]) -> CompilerCheck:
    """Validates the strategies.json ``text`` with probe's compiler."""
    if probe is None:
        return CompilerCheck(skipped=(
            "no probe checkout found: pass --probe DIR or set PROBE_HOME "
            "to run the compiler's checks (columns, bars-back guards)"))
    tsx = os.path.join(probe, TSX)
    if not os.path.isfile(tsx):
        return CompilerCheck(skipped=(
            f"{probe} has no node_modules: run `npm ci` (or `make setup`) "
            "there to run the compiler's checks"))
    handle, path = tempfile.mkstemp(prefix="probe-export-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        done = subprocess.run(
            [tsx, COMPILER, "--validate", "--registry", path],
            cwd=probe, capture_output=True, text=True, encoding="utf-8",
            check=False)
    finally:
        os.unlink(path)
    if done.returncode == 0:
        return CompilerCheck(notes=done.stdout.splitlines()[1:])
    errors = [line.removeprefix("error: ")
              for line in done.stderr.splitlines()
              if line.startswith("error: ")]
    if not errors:
        # the compiler itself failed: its own words say more than ours
        errors = [f"the compiler failed (exit {done.returncode}): "
                  + (done.stderr.strip() or done.stdout.strip())]
    return CompilerCheck(errors=errors)
