"""Import this before boto to use boto 2.49 (a legacy client of the vendor's REST
API) on Python 3.12 and 3.13, which it predates. boto 2 has no later release.

- boto vendors the same `six` as spyne (`boto.vendored.six`): its importer gets the
  modern protocol, as soap_mturk._compat does for spyne's.
- `boto.plugin` imports `imp`, removed in 3.12 (and deprecated, with a warning, in
  3.11). It uses only `imp.find_module` and `imp.load_module`, to load plugins from
  a directory named in boto's configuration; on 3.12+ a small stand-in module does
  the same with importlib. The real `imp` is used where it exists.

    import soap_mturk.testing.boto2  # noqa: F401
    from boto.mturk.connection import MTurkConnection
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
import warnings

from soap_mturk._compat import support_vendored_six


def _find_module(name: str, path: list[str] | None = None):
    spec = importlib.machinery.PathFinder.find_spec(name, path)
    if spec is None or spec.origin is None:
        raise ImportError(f"No module named {name!r}")
    return None, spec.origin, None


def _load_module(name: str, file, filename: str, details):
    spec = importlib.util.spec_from_file_location(name, filename)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {name!r} from {filename}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _install_imp() -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", DeprecationWarning
            )  # 3.11: "the imp module is deprecated"
            import imp  # noqa: F401
    except ModuleNotFoundError:  # 3.12+
        stand_in = types.ModuleType("imp", "Stand-in for boto 2: find_module and load_module.")
        stand_in.find_module = _find_module  # type: ignore[attr-defined]
        stand_in.load_module = _load_module  # type: ignore[attr-defined]
        sys.modules["imp"] = stand_in


support_vendored_six("boto.vendored.six")
_install_imp()
