"""Conversion of the npm package ``@etalab/decoupage-administratif`` into dtkg's territorial reference.

``scripts/territory.py`` calls :func:`generate`; the result is shipped in the repository (``data/territory/``) so that
``pip install`` needs neither Node nor the network. The output depends only on the tarball and the seed data, and is
written byte for byte the same way each time (sorted JSON, gzip without a time stamp), so that a regeneration can be
compared with the shipped copy.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..errors import InputError
from ..namespaces import DEFAULT_BASE
from .reference import INDEX_FILE, RDF_FILE, parse_index
from .rdf import Writer

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
TARBALL = "etalab-decoupage-administratif-6.0.0.tgz"
SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
#: The millésime of the package (its README's table: 6.0.0 is the 2026 edition, communes as of 1 January 2026).
EDITION = "2026"
#: INSEE's legal populations in force on 1 January 2026 are those of the 2023 census (population municipale);
#: Mayotte's are those of its 2017 census; the source gives no year for the overseas collectivities (COM).
POPULATION_YEAR = 2023
MAYOTTE_POPULATION_YEAR = 2017


def npm_pack(folder: Path) -> Path:
    """Fetch the pinned tarball with ``npm pack`` into ``folder`` (needs Node and the npm registry)."""
    try:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=folder, check=True,
                       capture_output=True, timeout=300)
    except FileNotFoundError as exc:
        raise InputError("npm is not installed; give the tarball with --tarball") from exc
    except subprocess.CalledProcessError as exc:
        raise InputError(f"npm pack failed: {exc.stderr.decode(errors='replace').strip()}") from exc
    return folder / TARBALL


def _read_tarball(tarball: Path) -> dict[str, list]:
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != SHA256:
        raise InputError(f"SHA-256 {digest} is not that of {PACKAGE}@{VERSION} ({SHA256})", path=tarball)
    out = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for name in ("communes", "epci", "departements", "regions"):
            member = tar.extractfile(f"package/data/{name}.json")
            if member is None:
                raise InputError(f"has no package/data/{name}.json", path=tarball)
            out[name] = json.load(member)
    return out


def seed_bodies(seed_dir: Path, communes: list[dict]) -> dict[str, str]:
    """SIRENs whose governing body the seed already names, with the seed's IRI (local part after the base).

    An organisation of the seed is a commune's or an EPCI's body when it has that SIREN (``dtkg:siren``), or when it is
    a ``dtkg:LocalAuthority`` serving exactly one commune (``schema:areaServed commune:<INSEE>``): the seed's
    « Commune de Bourbourg » is the body of commune 59094, whose SIREN the reference gives."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    g = Graph()
    for path in sorted(seed_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    dtkg = "https://w3id.org/dtkg/ontology#"
    siren_of_commune = {c["code"]: c["siren"] for c in communes if c.get("siren") and c["type"] == "commune-actuelle"}
    out: dict[str, str] = {}
    for org, siren in g.subject_objects(URIRef(dtkg + "siren")):
        if str(org).startswith(DEFAULT_BASE):
            out[str(siren)] = str(org)[len(DEFAULT_BASE):]
    prefix = DEFAULT_BASE + "commune/"
    for org in g.subjects(RDF.type, URIRef(dtkg + "LocalAuthority")):
        served = [str(a) for a in g.objects(org, URIRef("https://schema.org/areaServed")) if str(a).startswith(prefix)]
        if len(served) == 1 and str(org).startswith(DEFAULT_BASE):
            siren = siren_of_commune.get(served[0][len(prefix):])
            if siren:
                out.setdefault(siren, str(org)[len(DEFAULT_BASE):])
    return dict(sorted(out.items()))


def build_index(raw: dict[str, list], known_iris: dict[str, str]) -> dict:
    """The compact JSON structure of the reference (see :func:`dtkg.territory.reference.parse_index`)."""
    current = sorted((c for c in raw["communes"] if c["type"] == "commune-actuelle"), key=lambda c: c["code"])

    def year(c: dict) -> int | None:
        if c.get("population") is None or c.get("zone") == "com":
            return None
        return MAYOTTE_POPULATION_YEAR if c["departement"] == "976" else POPULATION_YEAR

    communes = [[c["code"], c["nom"], c["departement"], c["region"], c.get("siren"), sorted(c.get("codesPostaux", [])),
                 c.get("population"), year(c)] for c in current]
    codes = {c["code"] for c in current}

    by_area: dict[tuple[str, str], list] = {}
    for c in current:
        for key in ("departement", "region"):
            by_area.setdefault((key, c[key]), []).append(c.get("population"))

    def total(key: str, code: str) -> int | None:
        values = by_area.get((key, code), [])
        return sum(values) if values and None not in values else None

    deps = [[d["code"], d["nom"], d.get("region"), d.get("chefLieu"), total("departement", d["code"])]
            for d in sorted(raw["departements"], key=lambda d: d["code"])]
    regions = [[r["code"], r["nom"], None, r.get("chefLieu"), total("region", r["code"])]
               for r in sorted(raw["regions"], key=lambda r: r["code"])]
    population = {c["code"]: c.get("population") for c in current}

    def members_total(members: list[str]) -> int | None:
        values = [population[m] for m in members]
        return sum(values) if values and None not in values else None

    # An EPCI's population is the sum of its communes' (same census year as theirs), as for départements and régions;
    # the DGCL file's own figure is of another date and does not add up.
    epci = []
    for e in sorted(raw["epci"], key=lambda e: e["code"]):
        members = sorted(m["code"] for m in e["membres"] if m["code"] in codes)
        epci.append([e["code"], e["nom"], e["type"], members, members_total(members)])
    bodies = {c["siren"] for c in current if c.get("siren")} | {e["code"] for e in raw["epci"]}
    return {
        "source": {"package": PACKAGE, "version": VERSION, "tarball": TARBALL, "sha256": SHA256, "edition": EDITION,
                   "population_year": POPULATION_YEAR},
        "communes": communes, "epci": epci, "departements": deps, "regions": regions,
        "known_iris": {s: iri for s, iri in known_iris.items() if s in bodies},
    }


def _gzip(data: bytes) -> bytes:
    """gzip without a file name or time stamp, so that the same input always gives the same bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def generate(tarball: Path | None, out_dir: Path, seed_dir: Path) -> dict[str, int]:
    """Convert the package into ``out_dir/territory/index.json.gz`` and ``out_dir/territory/france.nt.gz``.

    ``tarball=None`` runs ``npm pack`` in a temporary folder. Files are written to a temporary name and renamed.
    Returns counts (communes, EPCI, départements, régions, triples).
    """
    with tempfile.TemporaryDirectory() as tmp:
        raw = _read_tarball(tarball if tarball is not None else npm_pack(Path(tmp)))
    index = build_index(raw, seed_bodies(seed_dir, raw["communes"]))
    index_bytes = json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ref = parse_index(json.loads(index_bytes))
    lines = list(Writer(ref).everything())
    outputs = {out_dir / INDEX_FILE: _gzip(index_bytes), out_dir / RDF_FILE: _gzip("".join(lines).encode("utf-8"))}
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = path.with_name(f".{path.name}.tmp")
        tmp_path.write_bytes(data)
        tmp_path.replace(path)
    return {"communes": len(ref.communes), "epci": len(ref.epcis), "departements": len(ref.departements),
            "regions": len(ref.regions), "triples": len(lines)}
