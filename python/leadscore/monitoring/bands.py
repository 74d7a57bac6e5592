"""The PSI bands: when a population stability index is ``ok``, ``watch`` or ``drift``.

The one definition of the bands (vars ``health_psi_watch`` and ``health_psi_drift``): the drift
table (:mod:`leadscore.monitoring.drift`) marks each feature with them and the report
(:mod:`leadscore.report`) draws them. Standard library only, so the report can import it
without the learning stack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PsiBands:
    """Population Stability Index bands: ``psi < watch`` ok, ``watch <= psi <= drift`` watch,
    ``psi > drift`` drift.

    Attributes:
        watch: PSI from this value up is ``watch`` (var ``health_psi_watch``).
        drift: PSI above this value is ``drift`` (var ``health_psi_drift``).

    No defaults: the vars' defaults are in ``dbt_project.yml``
    (:func:`leadscore.settings.psi_bands` builds the bands from them).

    Raises:
        ValueError: a band is not a finite number, or not ``0 <= watch < drift``.
    """

    watch: float
    drift: float

    def __post_init__(self) -> None:
        for name in ("watch", "drift"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(
                    f"PSI band {name} must be a finite number; got {value!r} "
                    f"(var health_psi_{name})."
                )
        if not 0 <= self.watch < self.drift:
            raise ValueError(
                f"PSI bands must satisfy 0 <= watch < drift; got watch={self.watch}, "
                f"drift={self.drift} (vars health_psi_watch, health_psi_drift)."
            )

    def status(self, psi: float) -> str:
        """``ok`` below ``watch``, ``drift`` above ``drift``, else ``watch``."""
        if psi < self.watch:
            return "ok"
        return "drift" if psi > self.drift else "watch"
