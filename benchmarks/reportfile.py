"""Where benchmarks write their JSON: ``reports/<name>.json`` at the project root.

One function so every benchmark records its figures (and the load average it ran at)
the same way, and the README can point at one folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_report(report: dict, name: str) -> Path:
    """Stamp the end-of-run load average, write ``reports/<name>.json``, say where."""
    report["load_average_end"] = list(os.getloadavg())
    out = ROOT / "reports" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return out
