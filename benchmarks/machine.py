"""What a benchmark ran on: CPU count and model, memory, operating system (shared by the benchmark scripts)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> dict[str, str]:
    """``cpus``, ``cpu`` (model name), ``ram`` (GiB) and ``os`` of this machine, "unknown" where it cannot be read."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line for line in lines if line.startswith("MemTotal")).split()[1])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpus": str(os.cpu_count()), "ram": ram, "cpu": cpu, "os": platform.platform()}
