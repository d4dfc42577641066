#!/usr/bin/env python3
"""Export a Python strategy registry to strategies.json.

    python3 scripts/export_registry.py --module MODULE --out strategies.json
    python3 scripts/export_registry.py --module MODULE --check strategies.json

MODULE is a dotted module name (importable from the current directory or a
--path) or the path of a .py file. It exposes its strategies as
get_all_strategies(), STRATEGIES, strategies or REGISTRY (or --attr NAME):
StrategyDef-like objects or dicts with the fields of docs/registry.md,
whose conditions come from serializable factories (scripts/probe_registry)
or carry an expr predicate (with_expr). The output is sorted by id, fields
in strategies.json's order, 2-space indentation, trailing newline; it is
written atomically, and not at all when anything cannot be exported.

Exit status: 0 written (or --check found it up to date), 1 --check found a
difference, 2 the registry cannot be exported (every problem is listed,
naming the strategy, side and condition).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from typing import Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from probe_registry.export import (  # noqa: E402
    ExportError,
    export_registry,
    find_strategies,
    load_module,
    render,
)

PROG = "export_registry"


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Export a Python strategy registry to strategies.json.",
    )
    parser.add_argument("--module", required=True,
                        help="dotted module name or path of a .py file")
    parser.add_argument("--attr", default=None,
                        help="the module's strategy list (default: "
                             "get_all_strategies, STRATEGIES, strategies, "
                             "REGISTRY)")
    parser.add_argument("--path", action="append", default=[],
                        help="a directory to import from (repeatable)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="the file to write ('-': stdout)")
    target.add_argument("--check", metavar="FILE",
                        help="compare with FILE instead of writing")
    return parser.parse_args(argv)


# mkstemp creates 0600: a file others read (the Docker image runs as a
# non-root user) must keep its mode, and a new one gets the usual 0644
NEW_FILE_MODE = 0o644


def write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        try:
            module = load_module(args.module, args.path)
        except ExportError:
            raise
        except Exception as error:
            traceback.print_exc()
            raise ExportError([f"cannot import {args.module}: "
                               f"{type(error).__name__}: {error}"]) from None
        text = render(export_registry(find_strategies(module, args.attr)))
    except ExportError as error:
        for problem in error.problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        print(f"{PROG}: nothing written ({len(error.problems)} problem(s))",
              file=sys.stderr)
        return 2
    if args.check is not None:
        try:
            with open(args.check, encoding="utf-8", newline="") as existing:
                current = existing.read()
        except OSError as error:
            print(f"{PROG}: cannot read {args.check}: {error}",
                  file=sys.stderr)
            return 2
        if current != text:
            print(f"{PROG}: {args.check} differs from the export of "
                  f"{args.module}", file=sys.stderr)
            return 1
        return 0
    if args.out == "-":
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
