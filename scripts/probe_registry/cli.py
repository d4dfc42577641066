"""The exporter's command line: a Python registry as strategies.json.

    python3 -m probe_registry --module MODULE --out strategies.json
    python3 -m probe_registry --module MODULE --check strategies.json

(``scripts/export_registry.py`` and the ``probe-export-registry`` command
of the installed package are the same program.)

MODULE is a dotted module name (importable from the current directory or a
--path) or the path of a .py file. It exposes its strategies as
get_all_strategies(), ALL_STRATEGIES, STRATEGIES, strategies or REGISTRY
(or --attr NAME):
StrategyDef-like objects or dicts with the fields of docs/registry.md,
whose conditions come from serializable factories or carry an expr
predicate (with_expr).

One run does every check, and lists every problem before giving up:
1. every condition has a JSON form and every field its type;
2. probe's compiler accepts the result (columns, bars-back guards);
3. every condition's Python closure and its JSON agree on every bar of
   the verification data (--data files, else generated bars and columns
   that reach every lag and window);
then it writes (atomically, keeping the file's mode) or, with --check,
compares with the committed file and names every differing strategy and
field, telling changes of form only from real ones.

``philosophy`` belongs to probe's strategies.json (see diff.py): an
export keeps the committed text of every existing strategy.

Exit status: 0 written, or --check found it up to date (or different in
form only); 1 --check found a real difference; 2 the registry cannot be
exported (nothing is written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from typing import Any, Optional

from .compiler_check import find_probe, run_compiler_check
from .diff import apply_probe_owned, diff_registries
from .export import ExportError, export_registry, find_strategies, \
    load_module, render
from .frames import DataError, generate_frame, load_frame
from .verify import summary_line, verify_strategies

PROG = "export_registry"

# mkstemp creates 0600: a file others read (the Docker image runs as a
# non-root user) must keep its mode, and a new one gets the usual 0644
NEW_FILE_MODE = 0o644


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Export a Python strategy registry to strategies.json, "
                    "or check that strategies.json is its export.",
    )
    parser.add_argument("--module", required=True,
                        help="dotted module name or path of a .py file")
    parser.add_argument("--attr", default=None,
                        help="the module's strategy list (default: "
                             "get_all_strategies, ALL_STRATEGIES, "
                             "STRATEGIES, strategies, REGISTRY)")
    parser.add_argument("--path", action="append", default=[],
                        help="a directory to import from (repeatable)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="the file to write ('-': stdout)")
    target.add_argument("--check", metavar="FILE",
                        help="compare with FILE instead of writing")
    verify = parser.add_argument_group("verification of closures against "
                                       "their JSON")
    verify.add_argument("--data", action="append", default=[],
                        metavar="CSV",
                        help="bars and indicator columns to verify on "
                             "(.csv or .csv.gz with a header; repeatable, "
                             "joined column-wise); default: generated")
    verify.add_argument("--bars", type=int, default=None,
                        help="how many bars to generate (default: enough "
                             "for every lag and window)")
    verify.add_argument("--seed", type=int, default=1,
                        help="the generator's seed (default 1)")
    verify.add_argument("--no-verify", action="store_true",
                        help="skip the verification (not for CI)")
    parser.add_argument("--probe", default=None, metavar="DIR",
                        help="the probe checkout whose compiler checks the "
                             "export (default: $PROBE_HOME, or the "
                             "checkout this package is in)")
    parser.add_argument("--take-philosophy", action="store_true",
                        help="write the registry's philosophy texts over "
                             "the committed ones (probe's file owns them)")
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


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


def read_committed(path: str) -> tuple[Optional[str], Optional[list[Any]]]:
    """The committed file's text and records; (None, None) when absent."""
    try:
        with open(path, encoding="utf-8", newline="") as existing:
            text = existing.read()
    except FileNotFoundError:
        return None, None
    try:
        records = json.loads(text)
    except ValueError as error:
        raise ExportError([f"{path} is not JSON: {error}"]) from None
    if not isinstance(records, list):
        raise ExportError([f"{path} is not a list of strategies"])
    return text, records


def load_registry(args: argparse.Namespace) -> list[Any]:
    try:
        module = load_module(args.module, args.path)
    except ExportError:
        raise
    except Exception as error:
        traceback.print_exc()
        raise ExportError([f"cannot import {args.module}: "
                           f"{type(error).__name__}: {error}"]) from None
    strategies = find_strategies(module, args.attr)
    if not strategies:
        raise ExportError([
            f"{args.module} holds no strategies: if a package __init__ "
            "catches import errors, it hides why; run python3 -c 'import "
            f"{args.module}' to see the error"])
    return strategies


def verify(args: argparse.Namespace, strategies: list[Any],
           records: list[Any]) -> list[str]:
    """Closures against their JSON; a problem line per disagreement."""
    started = time.monotonic()
    try:
        if args.data:
            frame = load_frame(args.data)
            source = ", ".join(args.data)
        else:
            frame = generate_frame(records, bars=args.bars, seed=args.seed)
            source = f"generated data (seed {args.seed})"
    except DataError as error:
        return [f"verification data: {error}"]
    # the first differing bar of each condition; the count says how many
    result = verify_strategies(strategies, frame,
                               max_reports_per_condition=1)
    summary = f"{summary_line(result)}, {source}"
    for idle in result.idle:
        say(f"note: {idle} on this data, so a drift of its closure in the "
            "other case would go unseen (--data or another --seed tests it)")
    say(f"verification: {summary} ({time.monotonic() - started:.1f} s)")
    if result.ok:
        return []
    return [f"{line}: fix the closure or its annotation"
            for line in result.lines()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    target = args.check if args.check is not None else args.out
    problems: list[str] = []
    try:
        strategies = load_registry(args)
        try:
            records = export_registry(strategies)
        except ExportError as error:
            # go on with what could be exported: the compiler and the
            # verification still report their problems in the same run
            problems += error.problems
            records = error.records
        committed_text, committed = (None, None) if target == "-" \
            else read_committed(target)
        if committed is not None and not args.take_philosophy:
            records = apply_probe_owned(committed, records)
        text = render(records)
        if records:
            check = run_compiler_check(text, find_probe(args.probe))
            if check.skipped:
                say(f"warning: the compiler's checks did not run: "
                    f"{check.skipped}")
            problems += [f"compiler: {line}" for line in check.errors]
        if records and not args.no_verify:
            problems += verify(args, strategies, records)
        if problems:
            raise ExportError(problems)
    except (ExportError, FileNotFoundError) as error:
        lines = error.problems if isinstance(error, ExportError) \
            else [str(error)]
        for problem in lines:
            say(problem)
        say(f"nothing {'checked' if args.check else 'written'} "
            f"({len(lines)} problem(s))")
        return 2
    if args.check is not None:
        return check_against(args.check, committed_text, committed, records,
                             text)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text)
        say(f"wrote {args.out} ({len(records)} strategies)")
    return 0


def check_against(path: str, committed_text: Optional[str],
                  committed: Optional[list[Any]], records: list[Any],
                  text: str) -> int:
    if committed_text is None or committed is None:
        say(f"{path} does not exist: write it with --out {path}")
        return 1
    if committed_text == text:
        say(f"{path} is up to date ({len(records)} strategies)")
        return 0
    diff = diff_registries(committed, records)
    for line in diff.lines():
        print(line, file=sys.stderr)
    if diff.real:
        say(f"{path} is stale: export it again with --out {path}, then "
            "`make generate`")
        return 1
    say(f"{path} differs from the export in form only (equal after "
        f"normalisation): up to date; --out {path} rewrites it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
