"""Write docs/import-formats.md, the reference of every column the importers read, from the format files
(src/dtkg/importers/formats/*.toml). tests/test_import_specs.py checks that the page is up to date.

    python scripts/write_import_formats.py [OUT.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

from dtkg.importers.specs import write_column_reference

if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "docs" / "import-formats.md"
    print(write_column_reference(sys.argv[1] if len(sys.argv) > 1 else default))
