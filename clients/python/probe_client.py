"""A client for the probe HTTP API (``probe serve``), standard library only.

    from probe_client import ProbeClient, ProbeError

    client = ProbeClient("http://127.0.0.1:8090", token=None)
    run = client.submit_run(["AAPL"], timeframes=["1Day"],
                            strategy_ids=[1, 2])
    final = client.wait(run["run_id"],
                        on_progress=lambda done, total: print(done, total))
    if final["status"] == "completed":
        for row in client.results(run["run_id"], risk_profile="medium"):
            print(row["strategy_name"], row["open_day"], row["pnl_mean"])

Every error the API answers with (``{"error": {"code", "message",
"details"}}``) raises ``ProbeError`` with the HTTP status and those three
fields; a connection failure raises ``ProbeError`` with status 0 and code
``CONNECTION_ERROR``.

Run as a program, it submits a run and prints its results as JSON lines::

    python3 -m probe_client --url http://127.0.0.1:8090 --symbols SYNTH \\
        --timeframes 1Day --strategies 1,2

(from clients/python, or with it on PYTHONPATH; PROBE_API_TOKEN is sent
as the bearer token when set).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Optional

__all__ = ["FINAL_STATUSES", "ProbeClient", "ProbeError"]
__version__ = "1.0.0"

FINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})
RESULT_FILTERS = frozenset({"symbol", "timeframe", "strategy_id",
                            "risk_profile", "long_short"})
API = "/api/v1"


class ProbeError(Exception):
    """An error answer of the API, or no answer at all (status 0)."""

    def __init__(self, status: int, code: str, message: str,
                 details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return (f"ProbeError(status={self.status!r}, code={self.code!r}, "
                f"message={self.message!r}, details={self.details!r})")


class ProbeClient:
    """The probe API at ``base_url`` (e.g. ``http://127.0.0.1:8090``).

    ``token`` is sent as ``Authorization: Bearer <token>`` (needed when the
    server runs with PROBE_API_TOKEN); ``timeout`` is in seconds per
    request.
    """

    def __init__(self, base_url: str, token: Optional[str] = None,
                 timeout: float = 30) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or "
                             f"https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # ------------------------------------------------------------ system

    def health(self) -> dict[str, Any]:
        """GET /health: status, version, strategies_loaded, uptime_seconds,
        database, event_loop_lag_ms ``{p50, p99, max}``."""
        return self._request("GET", "/health")

    # -------------------------------------------------------------- runs

    def submit_run(
        self,
        symbols: Sequence[str],
        timeframes: Optional[Sequence[str]] = None,
        risk_profiles: Optional[Sequence[str]] = None,
        strategy_ids: Optional[Sequence[int]] = None,
        start_date: Optional[str] = None,
        end_date: Optional[str] = None,
        persist_trades: bool = False,
        run_id: Optional[str] = None,
    ) -> dict[str, Any]:
        """POST /api/v1/runs: queue a run (or resume ``run_id``).

        Returns ``{run_id, status, total_combinations,
        estimated_seconds}``. Omitted (None) arguments take the server's
        defaults: timeframes 15Min, 1Hour, 1Day; every risk profile and
        strategy; the whole history. Dates are ``YYYY-MM-DD``, inclusive.
        """
        if isinstance(symbols, str):
            raise TypeError("symbols must be a list of symbols, not a str")
        body: dict[str, Any] = {"symbols": list(symbols),
                                "persist_trades": bool(persist_trades)}
        optional: dict[str, Any] = {
            "timeframes": timeframes,
            "risk_profiles": risk_profiles,
            "strategy_ids": strategy_ids,
            "start_date": start_date,
            "end_date": end_date,
            "run_id": run_id,
        }
        for key, value in optional.items():
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                value = list(value)
            body[key] = value
        return self._request("POST", f"{API}/runs", body=body)

    def run_status(self, run_id: str) -> dict[str, Any]:
        """GET /api/v1/runs/{run_id}: ``{run_id, status, progress:
        {completed, total, elapsed_seconds, estimated_seconds}}`` (the
        last only while queued or running), plus ``summary`` once
        completed or ``error`` when failed."""
        return self._request("GET", f"{API}/runs/{_segment(run_id)}")

    def wait(
        self,
        run_id: str,
        poll_seconds: float = 0.5,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[int, int], None]] = None,
    ) -> dict[str, Any]:
        """Poll until the run is completed, failed or cancelled.

        Returns the final status (check its ``status``: a failed run does
        not raise). ``on_progress(completed, total)`` is called whenever
        the progress changes, the first poll included. Raises
        ``TimeoutError`` after ``timeout`` seconds (None: no limit).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        last: Optional[tuple[int, int]] = None
        while True:
            status = self.run_status(run_id)
            progress = status.get("progress") or {}
            current = (int(progress.get("completed", 0)),
                       int(progress.get("total", 0)))
            if on_progress is not None and current != last:
                on_progress(*current)
            last = current
            if status.get("status") in FINAL_STATUSES:
                return status
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(
                    f"run {run_id} still {status.get('status')} after "
                    f"{timeout} s ({current[0]}/{current[1]} combinations)"
                )
            pause = poll_seconds
            if deadline is not None:
                pause = max(0.0, min(pause, deadline - time.monotonic()))
            time.sleep(pause)

    def results(self, run_id: str, page_size: int = 1000,
                **filters: Any) -> Iterator[dict[str, Any]]:
        """Every result row of the run, page after page (limit/offset).

        ``filters``: symbol, timeframe, strategy_id, risk_profile,
        long_short (``long`` or ``short``). Rows come in the order the
        server stores them; each is a dict with strategy_id,
        strategy_name, symbol, timeframe, risk_profile, open_day,
        open_hour, long_short, num_trades, pnl_mean, pnl_std,
        max_drawdown, max_profit.
        """
        unknown = set(filters) - RESULT_FILTERS
        if unknown:
            raise TypeError(f"unknown result filter(s) "
                            f"{', '.join(sorted(unknown))}: use "
                            f"{', '.join(sorted(RESULT_FILTERS))}")
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        path = f"{API}/runs/{_segment(run_id)}/results"
        offset = 0
        while True:
            query = {**filters, "limit": page_size, "offset": offset}
            page = self._request("GET", path, query=query)
            rows = page.get("results") or []
            yield from rows
            offset += len(rows)
            if not rows or offset >= int(page.get("total", 0)):
                return

    def summary(self, run_id: str, page_size: int = 1000,
                **filters: Any) -> list[dict[str, Any]]:
        """The run's per-strategy summary: one row per (symbol, timeframe,
        strategy, risk profile) it finished, as ``probe report`` writes
        summary.csv, every page fetched (limit/offset).

        ``filters`` are those of ``results``: symbol, timeframe,
        strategy_id, risk_profile, long_short (``long`` or ``short``:
        each row computed from that side's trades only). Each row is a
        dict with summary.csv's columns (symbol, timeframe, strategy_id,
        strategy_name, risk_profile, trades, long_trades, short_trades,
        win_rate, avg_pnl, avg_win, avg_loss, profit_factor,
        total_return, max_drawdown, sharpe_per_trade, avg_bars_held,
        exits_stop, exits_target, exits_trailing, exits_time,
        exits_signal, never_trades), ``None`` where a metric is
        undefined. The run must have finished (else ProbeError 409
        CONFLICT). A run that did not store its trades has them
        recomputed by the server, which can take seconds.
        """
        unknown = set(filters) - RESULT_FILTERS
        if unknown:
            raise TypeError(f"unknown summary filter(s) "
                            f"{', '.join(sorted(unknown))}: use "
                            f"{', '.join(sorted(RESULT_FILTERS))}")
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        path = f"{API}/runs/{_segment(run_id)}/summary"
        rows: list[dict[str, Any]] = []
        while True:
            query = {**filters, "limit": page_size, "offset": len(rows)}
            page = self._request("GET", path, query=query)
            batch = page.get("summary") or []
            rows.extend(batch)
            if not batch or len(rows) >= int(page.get("total", 0)):
                return rows

    def cancel(self, run_id: str) -> dict[str, Any]:
        """DELETE /api/v1/runs/{run_id}: the run's status afterwards (work
        already written stays)."""
        return self._request("DELETE", f"{API}/runs/{_segment(run_id)}")

    # -------------------------------------------------------- strategies

    def strategies(self, category: Optional[str] = None
                   ) -> list[dict[str, Any]]:
        """GET /api/v1/strategies: the summaries, optionally of one
        category (trend, mean_reversion, breakout, volume_flow, pattern,
        regime)."""
        query = {} if category is None else {"category": category}
        body = self._request("GET", f"{API}/strategies", query=query)
        return list(body.get("strategies") or [])

    def strategy(self, id: int) -> dict[str, Any]:
        """GET /api/v1/strategies/{id}: one strategy with its conditions
        and exit parameters."""
        return self._request("GET", f"{API}/strategies/{int(id)}")

    # ------------------------------------------------------------- HTTP

    def _request(self, method: str, path: str,
                 query: Optional[Mapping[str, Any]] = None,
                 body: Optional[Mapping[str, Any]] = None
                 ) -> dict[str, Any]:
        url = self.base_url + path
        if query:
            pairs = {k: v for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": "application/json",
                   "User-Agent": f"probe-client-python/{__version__}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=data, headers=headers,
                                         method=method)
        try:
            with urllib.request.urlopen(request,
                                        timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise _api_error(error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ProbeError(0, "CONNECTION_ERROR",
                             f"{method} {url}: {reason}") from None
        if text == "":
            return {}
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise ProbeError(0, "BAD_RESPONSE",
                             f"{method} {url}: expected a JSON object")
        return parsed


def _segment(value: str) -> str:
    """A path segment, escaped (a run id may hold ':' or '.')."""
    return urllib.parse.quote(str(value), safe="")


def _api_error(error: urllib.error.HTTPError) -> ProbeError:
    """The API's ``{"error": {...}}`` body as a ProbeError."""
    try:
        text = error.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    finally:
        error.close()
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    inner = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(inner, dict) and isinstance(inner.get("code"), str):
        details = inner.get("details")
        return ProbeError(error.code, inner["code"],
                          str(inner.get("message", "")),
                          details if isinstance(details, dict) else None)
    message = text.strip()[:200] or str(error.reason)
    return ProbeError(error.code, f"HTTP_{error.code}", message)


# ------------------------------------------------------------------ program

def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m probe_client",
        description="Submit a probe run, wait for it and print its "
                    "results as JSON lines.")
    # probe serve's default port (config server.port)
    parser.add_argument("--url", default="http://127.0.0.1:8090")
    parser.add_argument("--symbols", required=True,
                        help="comma-separated, e.g. AAPL,SPY")
    parser.add_argument("--timeframes", help="e.g. 1Hour,1Day")
    parser.add_argument("--risk-profiles", help="e.g. low,medium")
    parser.add_argument("--strategies", help="registry ids, e.g. 1,2")
    parser.add_argument("--start", help="YYYY-MM-DD")
    parser.add_argument("--end", help="YYYY-MM-DD")
    parser.add_argument("--run-id")
    parser.add_argument("--persist-trades", action="store_true",
                        help="store every trade too (strategy_probe_trades)")
    args = parser.parse_args(argv)

    def split(text: Optional[str]) -> Optional[list[str]]:
        return None if text is None else [t for t in text.split(",") if t]

    ids = split(args.strategies)
    client = ProbeClient(args.url, token=os.environ.get("PROBE_API_TOKEN"))
    try:
        run = client.submit_run(
            split(args.symbols) or [], timeframes=split(args.timeframes),
            risk_profiles=split(args.risk_profiles),
            strategy_ids=None if ids is None else [int(i) for i in ids],
            start_date=args.start, end_date=args.end,
            persist_trades=args.persist_trades, run_id=args.run_id)
        final = client.wait(run["run_id"], on_progress=lambda done, total:
                            print(f"{done}/{total}", file=sys.stderr))
        if final["status"] != "completed":
            print(json.dumps(final), file=sys.stderr)
            return 1
        for row in client.results(run["run_id"]):
            print(json.dumps(row))
    except ProbeError as error:
        print(f"probe_client: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
