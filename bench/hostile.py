"""The hostile-load battery against a real `soap-mturk serve` process.

    python bench/hostile.py [--seconds 6] [--probes 10] [--case 3] [-- serve options]

Starts `soap-mturk serve` on a free loopback port (signatures checked, a fresh
SQLite file), then runs each attack of tests/hostile_battery.py while an unrelated
client reads a score `--probes` times spread over `--seconds`, and prints, per case,
the longest that client waited and the server's resident memory before and after.
Options after `--` go to `soap-mturk serve` (e.g. `-- --threads 2`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.hostile_battery import (  # noqa: E402  (after the path is set)
    CASES,
    environment_note,
    probe,
    run_case,
    serving,
    summary,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="attack length per case")
    parser.add_argument("--probes", type=int, default=10, help="unrelated calls per case")
    parser.add_argument("--case", action="append", help="run only cases starting with this")
    parser.add_argument("serve_options", nargs="*", help="options for soap-mturk serve")
    args = parser.parse_args(argv)
    cases = {
        name: attack
        for name, attack in CASES.items()
        if not args.case or any(name.startswith(prefix) for prefix in args.case)
    }
    print(f"hostile battery: {environment_note()}; serve {' '.join(args.serve_options)}")
    with serving(*args.serve_options) as target:
        quiet = max(probe(target) for _ in range(args.probes))
        print(f"{'(no attack)':34s} waited {quiet * 1000:7.1f} ms (max of {args.probes})"
              f"  RSS {target.rss() / 2**20:6.1f} MB")  # fmt: skip
        start_rss = target.rss()
        failed = 0
        for name, attack in cases.items():
            measured = run_case(target, name, attack, probes=args.probes, spread=args.seconds)
            line = summary(measured)
            if measured.outcome.errors:
                failed += 1
                line += f"  attack errors: {measured.outcome.errors[:2]}"
            print(line, flush=True)
        print(f"RSS over the battery: {start_rss / 2**20:.1f} -> {target.rss() / 2**20:.1f} MB")
        tracebacks = target.log().count("Traceback")
        print(f"tracebacks in the server's log: {tracebacks}")
    return 1 if failed or tracebacks else 0


if __name__ == "__main__":
    raise SystemExit(main())
