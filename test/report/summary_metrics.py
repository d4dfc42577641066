"""summary.csv's metrics computed from a trades.csv on their own, for test/report/summary.test.ts.

Usage: python3 summary_metrics.py TRADES_CSV[.gz] STRATEGIES_JSON SYMBOL TIMEFRAMES PROFILES

Prints summary.csv without its last column (never_trades, the compiler's
finding), one row per (timeframe, strategy, profile), following only the
definitions of issue 14: trades in order of exit time, then entry time;
every sum a plain loop from the first trade; floats as repr.
"""
import csv
import gzip
import io
import json
import math
import sys


def metrics(trades):
    trades = sorted(trades, key=lambda t: (t["exit_time"], t["entry_time"]))
    n = len(trades)
    pnl = [float(t["pnl_pct"]) for t in trades]
    reasons = [t["exit_reason"] for t in trades]
    counts = [
        n,
        sum(1 for t in trades if t["direction"] == "long"),
        sum(1 for t in trades if t["direction"] == "short"),
    ]
    exits = [reasons.count(r) for r in ("stop_loss", "target", "trailing_stop", "time_stop", "signal_exit")]
    if n == 0:
        return counts + [None] * 9 + exits
    total = 0.0
    for x in pnl:
        total += x
    mean = total / n
    wins = [x for x in pnl if x > 0]
    losses = [x for x in pnl if x < 0]
    win_sum = 0.0
    for x in wins:
        win_sum += x
    loss_sum = 0.0
    for x in losses:
        loss_sum += x
    equity, peak, drawdown = 1.0, 1.0, 0.0
    for x in pnl:
        equity *= 1 + x
        peak = max(peak, equity)
        drawdown = max(drawdown, 1 - equity / peak)
    sharpe = None
    if n >= 2:
        squares = 0.0
        for x in pnl:
            squares += (x - mean) ** 2
        std = math.sqrt(squares / (n - 1))
        sharpe = mean / std if std > 0 else None
    bars = 0
    for t in trades:
        bars += int(t["bars_held"])
    return counts + [
        len(wins) / n,
        mean,
        win_sum / len(wins) if wins else None,
        loss_sum / len(losses) if losses else None,
        win_sum / -loss_sum if losses else None,
        equity - 1,
        drawdown,
        sharpe,
        bars / n,
    ] + exits


def field(value):
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def main(path, strategies_json, symbol, timeframes, profiles):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    by_combo = {}
    for row in rows:
        by_combo.setdefault((row["timeframe"], int(row["strategy_id"]), row["risk_profile"]), []).append(row)
    with open(strategies_json) as f:
        strategies = sorted(json.load(f), key=lambda s: s["id"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for timeframe in timeframes.split(","):
        for s in strategies:
            for profile in profiles.split(","):
                values = metrics(by_combo.get((timeframe, s["id"], profile), []))
                writer.writerow([symbol, timeframe, s["id"], s["name"], profile] + [field(v) for v in values])
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main(*sys.argv[1:6])
