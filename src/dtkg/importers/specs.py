"""The formats the importers read, as data: ``formats/<name>.toml`` gives each format's fields (with the column
names accepted for each), which are required, and the standard it follows.

The importers check headers and rows against these descriptions, ``dtkg import table --template`` writes its
templates from them, and :func:`column_reference` writes the reference of every column (docs/import-formats.md),
so that the code, the templates and the documentation cannot drift apart. A new field is a new ``[[fields]]``
entry; a new format is a new file (and the converter of its rows).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import URIRef

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


@dataclass(frozen=True)
class Standard:
    """The published schema a source file follows (``dcterms:conformsTo``), with its version."""

    iri: URIRef
    label: str
    version: str
    url: str


@dataclass(frozen=True)
class Field:
    """One field of a format: its name, the column names accepted for it (the first is the published one), whether
    a row needs it (``required``) or only the standard does (``schema_required``: a warning when empty)."""

    name: str
    spellings: tuple[str, ...]
    required: bool = False
    schema_required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class FormatSpec:
    """A CSV format with one row per fact (SCDL, mednum): its fields and the standard it follows."""

    kind: str
    title: str
    what: str  # how reports name the format: "is not a <what> file"
    summary: str
    standard: Standard
    fields: tuple[Field, ...]
    #: fields no standard property fits, kept as ``schema:additionalProperty`` under their own name
    kept_as_is: tuple[str, ...] = ()
    #: the label of the source document an import describes (``{name}``: the file's name)
    source_label: str = "{name}"
    #: how reports name what requires the ``schema_required`` fields ("column required by … is missing")
    required_by: str = "the standard"
    #: the key of the organisations known by name only (the same name is the same organisation in every run of
    #: that key); empty: one key per file (``<kind>:<file>``)
    run_key: str = ""

    def names(self) -> tuple[str, ...]:
        """The fields' names, in the standard's order."""
        return tuple(f.name for f in self.fields)

    def spellings(self) -> dict[str, tuple[str, ...]]:
        """``{field: accepted column names}``, as :func:`~dtkg.importers.csv_import.resolve_columns` reads them."""
        return {f.name: f.spellings for f in self.fields}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def schema_required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.schema_required)


@dataclass(frozen=True)
class Column:
    """One column of a table: its French and English names, whether it must be filled, what it holds."""

    key: str
    fr: str
    en: str
    required: bool
    doc: str
    example: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One table: its French and English file names (and other accepted names), what one row is, its columns."""

    key: str
    fr_file: str
    en_file: str
    row_is: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Every accepted file name, French first."""
        return tuple(dict.fromkeys((self.fr_file, self.en_file, *self.aliases)))

    def fields(self) -> dict[str, tuple[str, ...]]:
        return {c.key: (c.fr, c.en) for c in self.columns}


@dataclass(frozen=True)
class TablesSpec:
    """The tables of ``dtkg import table``, in the order they are imported, and the standard they follow."""

    title: str
    summary: str
    standard: Standard
    tables: tuple[TableSpec, ...]
    shared: dict[str, Column]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("dtkg.importers").joinpath("formats", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _standard(data: dict[str, Any]) -> Standard:
    return Standard(iri=URIRef(data["iri"]), label=data["label"], version=data["version"], url=data["url"])


@functools.cache
def load_format(name: str) -> FormatSpec:
    """The format described by ``formats/<name>.toml`` (``scdl``, ``mednum``)."""
    data = _read(name)
    fields = tuple(
        Field(name=f["name"], spellings=tuple(f.get("spellings", (f["name"],))), required=f.get("required", False),
              schema_required=f.get("schema_required", False), doc=f.get("doc", ""))
        for f in data["fields"]
    )
    return FormatSpec(kind=data["kind"], title=data["title"], what=data["what"], summary=data["summary"],
                      standard=_standard(data["standard"]), fields=fields,
                      kept_as_is=tuple(data.get("kept_as_is", ())), source_label=data["source_label"],
                      required_by=data["required_by"], run_key=data.get("run_key", ""))


def _column(key: str, data: dict[str, Any]) -> Column:
    return Column(key, data["fr"], data["en"], data.get("required", False), data["doc"], data.get("example", ""))


@functools.cache
def load_tables() -> TablesSpec:
    """The tables of ``dtkg import table`` (``formats/tables.toml``); a column shared by several tables (the
    source and its quote) is the same :class:`Column` in each."""
    data = _read("tables")
    shared = {key: _column(key, c) for key, c in data["shared_columns"].items()}
    tables = tuple(
        TableSpec(key=t["key"], fr_file=t["fr_file"], en_file=t["en_file"], row_is=t["row_is"],
                  aliases=tuple(t.get("aliases", ())),
                  columns=tuple(shared[c["shared"]] if "shared" in c else _column(c["key"], c)
                                for c in t["columns"]))
        for t in data["tables"]
    )
    return TablesSpec(title=data["title"], summary=data["summary"], standard=_standard(data["standard"]),
                      tables=tables, shared=shared)


# ------------------------------------------------------------------------------------------------ documentation


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def column_reference(formats: tuple[str, ...] = ("scdl", "mednum")) -> str:
    """The reference of every column the importers read, in Markdown, generated from the format files."""
    out = ["# Import formats: the columns", "",
           "Generated from `src/dtkg/importers/formats/*.toml` by `python scripts/write_import_formats.py` (do not "
           "edit by hand: change the format file and run it again). Column names are matched exactly, else once case, "
           "accents, spaces and underscores are set aside (with a warning). *Required*: a row without it is "
           "invalid. *Standard*: the standard requires it, the graph can do without it (a warning when empty, an "
           "error with `--strict`).", ""]
    for name in formats:
        spec = load_format(name)
        std = spec.standard
        out += [f"## `dtkg import {spec.kind}`: {spec.title}", "", spec.summary, "",
                f"Standard: [{std.label}]({std.url}), version {std.version}.", "",
                "| column | required | what it holds and where it goes |", "|---|---|---|"]
        for f in spec.fields:
            names = " / ".join(f"`{s}`" for s in f.spellings)
            need = "yes" if f.required else "standard" if f.schema_required else ""
            out.append(f"| {names} | {need} | {_cell(f.doc)} |")
        out.append("")
    tables = load_tables()
    out += ["## `dtkg import table`: tables of facts", "", tables.summary, "",
            "`dtkg import table --template DIR` writes these files with their header rows (`--lang en` for the "
            "English names).", ""]
    for t in tables.tables:
        files = " / ".join(f"`{f}`" for f in t.files)
        out += [f"### {files}: one row is {t.row_is}", "",
                "| column (fr) | column (en) | required | what it holds | example |", "|---|---|---|---|---|"]
        for c in t.columns:
            out.append(f"| `{c.fr}` | `{c.en}` | {'yes' if c.required else ''} | {_cell(c.doc)} | "
                       f"{_cell(c.example)} |")
        out.append("")
    return "\n".join(out)


def write_column_reference(path: Path | str) -> Path:
    """Write :func:`column_reference` to ``path`` (UTF-8, ``\\n`` line ends)."""
    target = Path(path)
    target.write_text(column_reference(), encoding="utf-8", newline="\n")
    return target

