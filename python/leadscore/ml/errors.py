"""Exceptions raised by :mod:`leadscore.ml` for bad input, with messages that say how to fix it."""

from __future__ import annotations

from leadscore.errors import UserFacingError


class MLInputError(ValueError, UserFacingError):
    """The data or configuration handed to a :mod:`leadscore.ml` function cannot be used."""


class UntrustedModelError(ValueError):
    """A serialized model contains object types outside the allow-list; it was not loaded."""
