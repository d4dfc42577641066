"""Drive a real ``probe serve`` with clients/python/probe_client.py.

    python3 test/python/client_run.py run URL TOKEN
    python3 test/python/client_run.py errors URL TOKEN

``run`` submits a small run, waits for it with progress and prints, as one
JSON object, what the client saw (results fetched page by page as dicts).
``errors`` provokes the API's errors and prints each ProbeError's fields.
test/python/client.test.ts checks both against the database.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "clients", "python"))

from probe_client import ProbeClient, ProbeError  # noqa: E402


def run(client: ProbeClient) -> dict[str, Any]:
    progress: list[list[int]] = []
    submitted = client.submit_run(["SYNTH"], timeframes=["1Day"],
                                  strategy_ids=[1, 2], run_id="py-client")
    final = client.wait(submitted["run_id"], poll_seconds=0.05, timeout=120,
                        on_progress=lambda done, total:
                        progress.append([done, total]))
    run_id = submitted["run_id"]
    return {
        "health": client.health(),
        "submitted": submitted,
        "progress": progress,
        "final": final,
        "results": list(client.results(run_id, page_size=7)),
        "filtered": list(client.results(run_id, strategy_id=2,
                                        risk_profile="low",
                                        long_short="long")),
        "summary": client.summary(run_id, page_size=5),
        "summary_short": client.summary(run_id, strategy_id=2,
                                        long_short="short"),
        "cancel_finished": client.cancel(run_id),
        "strategies": client.strategies(),
        "trend": client.strategies(category="trend"),
        "strategy": client.strategy(1),
    }


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        call()
    except ProbeError as error:
        return {"status": error.status, "code": error.code,
                "message": error.message, "details": error.details}
    return {"status": None, "code": "NO_ERROR"}


def errors(client: ProbeClient, url: str) -> dict[str, Any]:
    anonymous = ProbeClient(url)
    nowhere = ProbeClient("http://127.0.0.1:9", timeout=5)
    return {
        "status_unknown": error_of(lambda: client.run_status("no-such-run")),
        "results_unknown": error_of(
            lambda: list(client.results("no-such-run"))),
        "cancel_unknown": error_of(lambda: client.cancel("no-such-run")),
        "summary_unknown": error_of(lambda: client.summary("no-such-run")),
        "wait_unknown": error_of(lambda: client.wait("no-such-run")),
        "invalid_symbol": error_of(
            lambda: client.submit_run(["NOSUCHSYM"], timeframes=["1Day"])),
        "no_symbols": error_of(lambda: client.submit_run([])),
        "bad_strategy": error_of(
            lambda: client.submit_run(["SYNTH"], strategy_ids=[999999])),
        "strategy_unknown": error_of(lambda: client.strategy(99999)),
        "no_token": error_of(lambda: anonymous.run_status("no-such-run")),
        "no_token_health": anonymous.health()["status"],
        "connection": error_of(nowhere.health),
    }


def main(argv: list[str]) -> int:
    mode, url, token = argv
    client = ProbeClient(url, token=token)
    out = run(client) if mode == "run" else errors(client, url)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
