"""The public API: a short list of names that no module shadows, each documented, and the documented sequence runs."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import pytest
from rdflib import Dataset

import dtkg

ROOT = Path(__file__).resolve().parents[1]


def import_every_module() -> list[str]:
    """Import every module of the package, as a program that uses several of them would."""
    names = [m.name for m in pkgutil.walk_packages(dtkg.__path__, "dtkg.")]
    for name in names:
        importlib.import_module(name)
    return names


def test_no_module_shadows_a_public_name():
    modules = import_every_module()
    assert "dtkg.writers" in modules and "dtkg.validation" in modules and "dtkg.pipeline" in modules
    top_level = {name.split(".")[1] for name in modules}
    assert top_level & set(dtkg.__all__) == set(), "a module has the name of a public function"
    for name in dtkg.__all__:
        value = getattr(dtkg, name)
        assert not isinstance(value, types.ModuleType), name
    for name in ("load_dataset", "validate", "run_query", "export", "serialize", "build", "view", "serve"):
        assert callable(getattr(dtkg, name)), name


def test_the_public_list_is_short_documented_and_complete():
    assert 15 <= len(dtkg.__all__) <= 35
    assert set(dir(dtkg)) >= set(dtkg.__all__)
    for name in dtkg.__all__:
        if name == "__version__":
            continue
        value = getattr(dtkg, name)
        assert (inspect.getdoc(value) or "").strip(), f"dtkg.{name} has no docstring"
        assert value.__module__.startswith("dtkg."), name
    assert issubclass(dtkg.InputError, dtkg.DtkgError) and issubclass(dtkg.ValidationFailed, dtkg.DtkgError)
    assert issubclass(dtkg.QueryTimeout, dtkg.DtkgError) and issubclass(dtkg.RemoteError, dtkg.DtkgError)
    with pytest.raises(AttributeError, match="no attribute 'parse_file'"):
        dtkg.parse_file  # noqa: B018 -- internals stay in their modules


def test_every_public_name_is_in_the_python_api_page():
    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    missing = [n for n in dtkg.__all__ if n != "__version__" and f"`{n}" not in page]
    assert missing == [], "public names missing from docs/python-api.md"


def test_the_documented_sequence_runs_after_importing_every_module(tmp_path, monkeypatch):
    import_every_module()
    monkeypatch.chdir(tmp_path)
    ds = dtkg.load_dataset()
    assert isinstance(ds, Dataset)
    report = dtkg.validate(ds)
    assert report.conforms, report.lines()
    rows = {str(r.funderLabel): r.total for r in dtkg.run_query(ds, "total-by-funder")}
    assert float(rows["Région Hauts-de-France"]) == 120000  # shares counted inside their grant
    written = dtkg.export(ds, "x.ttl", "turtle")
    assert Path(written).resolve() == (tmp_path / "x.ttl").resolve()
    text = (tmp_path / "x.ttl").read_text(encoding="utf-8")
    assert "Région Hauts-de-France" in text and text == dtkg.serialize(ds, "turtle").decode("utf-8")
