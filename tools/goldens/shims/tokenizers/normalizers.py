"""Import-only placeholder submodule (see the package docstring)."""
from . import _Unavailable


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (_Unavailable,), {})
