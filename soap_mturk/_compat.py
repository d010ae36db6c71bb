"""Make spyne 2.14 importable, quietly, on Python 3.11 to 3.13.

Imported by `soap_mturk/__init__.py`, so it runs before any module of ours (the
CLI, the server, the pytest plugin) reaches spyne. Two problems, both in spyne
2.14.0, the last release (spyne issues #700, #708, #711):

- spyne vendors `six` as `spyne.util.six`, whose meta-path importer knows only
  the pre-PEP 451 protocol (`find_module`/`load_module`). Python 3.11 warns about
  it (`ImportWarning`, an error under `-W error`) at every import that reaches it;
  3.12 no longer falls back to it, so `spyne.util.six.moves` cannot be imported
  at all. We load `spyne.util.six` through a loader that, once the module has run,
  gives its importer class the modern methods (`find_spec`, `create_module`,
  `exec_module`), so the old ones are never consulted.
- spyne imports `cgi`, deprecated in 3.11 (a `DeprecationWarning` on import) and
  removed in 3.13 (the `legacy-cgi` distribution provides it there, a dependency
  in pyproject.toml). We import it once with that one warning silenced; spyne's
  own import then finds it in `sys.modules`.

Nothing here changes spyne's behaviour; if a later spyne fixes its `six`, the
patch finds `find_spec` already defined and does nothing.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

# Vendored copies of six that need the modern protocol; boto 2's is added by
# soap_mturk.testing.boto2 for the suites and examples that drive boto.
_VENDORED_SIX = {"spyne.util.six"}


def _modernise(importer_class: type) -> None:
    """Give six's `_SixMetaPathImporter` the PEP 451 finder/loader protocol."""
    if "find_spec" in vars(importer_class):
        return

    def find_spec(
        self: Any, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname not in self.known_modules:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self: Any, spec: ModuleSpec) -> ModuleType:
        # six's own load_module resolves the moved module and records it in sys.modules.
        return self.load_module(spec.name)

    def exec_module(self: Any, module: ModuleType) -> None:
        pass  # already complete: create_module returned a loaded module

    importer_class.find_spec = find_spec  # type: ignore[attr-defined]
    importer_class.create_module = create_module  # type: ignore[attr-defined]
    importer_class.exec_module = exec_module  # type: ignore[attr-defined]


class _SixLoader(importlib.machinery.SourceFileLoader):
    """Runs spyne's `six` as usual, then modernises its importer class."""

    def exec_module(self, module: ModuleType) -> None:
        super().exec_module(module)
        _modernise(module._SixMetaPathImporter)


class _SixFinder:
    """First on `sys.meta_path`: answers for the vendored copies of six only."""

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname not in _VENDORED_SIX:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if (
            spec is None
            or spec.origin is None
            or not isinstance(spec.loader, importlib.machinery.SourceFileLoader)
        ):
            return spec  # an unexpected layout (e.g. a zip): leave it to the default import
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=_SixLoader(fullname, spec.origin)
        )


def support_vendored_six(name: str) -> None:
    """Make the copy of six vendored as `name` (e.g. "boto.vendored.six") importable."""
    _VENDORED_SIX.add(name)
    if name in sys.modules:  # imported before us: patch what is there
        _modernise(sys.modules[name]._SixMetaPathImporter)
    if _SixFinder not in sys.meta_path:
        sys.meta_path.insert(0, _SixFinder)


def _install() -> None:
    support_vendored_six("spyne.util.six")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "'cgi' is deprecated" (3.11, 3.12)
        import cgi  # noqa: F401


_install()
