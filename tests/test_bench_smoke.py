"""The benchmark runs end to end and reports a figure for every row. Only that it
works is checked here; how fast is for bench/README.md, never for a test."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench.py"
WORKLOADS = [
    "static (read size)",
    "GetQualificationScore",
    "static (write size)",
    "UpdateQualificationScore",
]


def test_bench_reports_every_row(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--seconds",
            "0.3",
            "--load",
            "python",
            "--server",
            "production",
            "--workers",
            "10",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))

    rows = result["rows"]
    assert [r["workload"] for r in rows] == WORKLOADS
    for row in rows:
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["response_bytes"] > 0, row
        for key in ("rps", "p50_ms", "p99_ms"):
            assert isinstance(row[key], float) and math.isfinite(row[key]), (key, row)
    # the static rows answer bodies of the SOAP responses' sizes
    assert rows[0]["response_bytes"] == rows[1]["response_bytes"]
    assert rows[2]["response_bytes"] == rows[3]["response_bytes"]
    ratios = result["ratios"]["production"]
    assert all(math.isfinite(v) for v in ratios.values()), ratios
    # the printed table carries every row and the ratios
    for workload in WORKLOADS:
        assert workload in done.stdout
    assert "reads/static" in done.stdout and "writes/static" in done.stdout


def test_bench_scale_rows_report_the_floor_ratio_and_memory(tmp_path):
    """The default run: the floor, then soap-mturk serve --workers on a small and
    a larger store (SQLite here: PostgreSQL's rows are the same code)."""
    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "0.3", "--load", "python", "--stores",
         "sqlite", "--rows", "10", "--large", "500", "--server-workers", "2",
         "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    sizes = sorted({r["response_bytes"] for r in rows[:2]})
    assert [(r["server"], r["workload"]) for r in rows] == [
        ("floor gunicorn x2 (1)", f"static ({sizes[0]} bytes)"),
        ("floor gunicorn x2 (1)", f"static ({sizes[1]} bytes)"),
        ("floor gunicorn x2 (2)", f"static ({sizes[0]} bytes)"),
        ("floor gunicorn x2 (2)", f"static ({sizes[1]} bytes)"),
        ("sqlite 10 x2", "GetQualificationScore"),
        ("sqlite 10 x2", "UpdateQualificationScore"),
        ("sqlite 500 x2", "GetQualificationScore"),
        ("sqlite 500 x2", "UpdateQualificationScore"),
    ]
    for row in rows:
        assert row["requests"] > 0 and row["errors"] == 0, row
        for key in ("rps", "p99_ms", "rss_mb", "floor_rps"):
            assert math.isfinite(row[key]) and row[key] > 0, (key, row)
    # Every ratio is against the higher of the two floor measurements at its size.
    for size in sizes:
        highest = max(r["rps"] for r in rows[:4] if r["response_bytes"] == size)
        assert all(r["floor_rps"] == highest for r in rows if r["response_bytes"] == size)
    assert {r["response_bytes"] for r in rows[4:]} == set(sizes)
    assert "x floor" in done.stdout and "RSS MB" in done.stdout
