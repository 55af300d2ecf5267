"""A module's own functions, for the tests that hold a rule over every one of them.

Under `make mutation` each function of a mutated module is a trampoline that picks one of
its variants, and the variants sit beside it as `x_<name>__mutmut_<n>`; the original is
`x_<name>__mutmut_orig`. These helpers see through that, so the same test holds on the
code as written and on the code mutmut runs.
"""

import inspect
from types import ModuleType

_MUTANT = "__mutmut_"


def own_functions(module: ModuleType) -> dict:
    """{name: function} of the public functions defined in `module` itself."""
    return {
        name: _original(module, name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and _MUTANT not in name
    }


def _original(module: ModuleType, name: str, function):
    return getattr(module, f"x_{name}{_MUTANT}orig", function)
