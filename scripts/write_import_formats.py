"""Write docs/import-formats.md, the reference of every column the importers read, from the format files
(src/dtkg/importers/formats/*.toml). tests/test_import_specs.py checks that the page is up to date.

    python scripts/write_import_formats.py [OUT.md]
    python scripts/write_import_formats.py --check    # exit 1 if docs/import-formats.md is not what the formats say
"""

from __future__ import annotations

import sys
from pathlib import Path

from dtkg.importers.specs import column_reference, write_column_reference


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parents[1] / "docs" / "import-formats.md"
    if argv[:1] == ["--check"]:
        if default.read_text(encoding="utf-8") != column_reference():
            print(f"{default} is out of date: run python scripts/write_import_formats.py", file=sys.stderr)
            return 1
        return 0
    if any(arg.startswith("-") for arg in argv) or len(argv) > 1:
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        return 2
    print(write_column_reference(argv[0] if argv else default))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
