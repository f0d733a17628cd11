"""Connect methods that return a value as Qt slots without handing the value back to PySide.

PySide6 (seen with 6.12 on Python 3.11) mis-counts references of a Python ``bool`` a slot returns
when a signal invokes it, until the interpreter aborts with "deallocating True or False". Our
actions return results for their callers and tests, so signals get this ``None``-returning wrapper.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def slot(action: Callable[..., Any]) -> Callable[..., None]:
    """``action`` for a signal: extra signal arguments (e.g. ``checked``) it does not take are dropped."""
    parameters = inspect.signature(action).parameters.values()
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_all = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    count = len(positional)

    def invoke(*args: Any) -> None:
        action(*(args if takes_all else args[:count]))

    return invoke
