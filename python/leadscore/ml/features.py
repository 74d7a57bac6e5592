"""Which panel columns are features, and turning panel rows into a clean feature frame.

The same :func:`prepare_features` runs on training rows and on rows to score, driven by the
:class:`FeatureSpec` stored in the model bundle, so both paths see identical columns and types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from leadscore.ml.config import FeatureConfig
from leadscore.ml.errors import MLInputError

_CATEGORICAL_TYPES = (pl.String, pl.Categorical, pl.Enum)


@dataclass(frozen=True)
class FeatureSpec:
    """The model's inputs: names in a fixed order, each numeric or categorical.

    Attributes:
        numeric: numeric features (ints, floats, bools), cast to Float64 for the model.
        categorical: categorical features, cast to String; null is its own category.
        dtypes: the polars dtype each feature had in the training panel (for messages and for
            writing booleans back as ``true``/``false``).
    """

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    dtypes: dict[str, str]

    @property
    def names(self) -> tuple[str, ...]:
        """All features: categoricals first, then numerics (the order models see them in)."""
        return self.categorical + self.numeric

    def subset(self, keep: set[str] | frozenset[str]) -> FeatureSpec:
        """Return the spec restricted to the features in ``keep`` (order preserved)."""
        return FeatureSpec(
            numeric=tuple(f for f in self.numeric if f in keep),
            categorical=tuple(f for f in self.categorical if f in keep),
            dtypes={k: v for k, v in self.dtypes.items() if k in keep},
        )

    def to_json(self) -> str:
        """Serialize to a JSON string (stored in the model bundle)."""
        return json.dumps(
            {
                "numeric": list(self.numeric),
                "categorical": list(self.categorical),
                "dtypes": self.dtypes,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> FeatureSpec:
        """Inverse of :meth:`to_json`."""
        raw = json.loads(text)
        return cls(
            numeric=tuple(raw["numeric"]),
            categorical=tuple(raw["categorical"]),
            dtypes=dict(raw["dtypes"]),
        )


def infer_feature_spec(panel: pl.DataFrame | pl.Schema, config: FeatureConfig) -> FeatureSpec:
    """Decide the features of a panel from its schema and the config.

    Numeric and boolean columns become numeric features; String/Categorical/Enum columns become
    categorical (plus any named in ``config.categorical``). Other types (dates, lists, ...) are
    rejected if named explicitly and skipped when inferring.

    Raises:
        MLInputError: an explicit feature is missing or of an unusable type, or no feature is
            left.
    """
    schema = panel.schema if isinstance(panel, pl.DataFrame) else panel
    keys = {config.id_column, config.date_column, config.label_column, config.points_column}
    if config.features is not None:
        missing = [f for f in config.features if f not in schema]
        if missing:
            raise MLInputError(
                f"feature columns named in the config are not in the panel: {missing}. "
                "Fix the feature list (var 'ml_features') or the feature model."
            )
        forbidden = [f for f in config.features if f in keys]
        if forbidden:
            raise MLInputError(
                f"{forbidden} cannot be features (key, label or rules score); remove them "
                "from the feature list."
            )
        candidates = list(dict.fromkeys(config.features))
    else:
        excluded = set(config.exclude) | keys
        candidates = [
            c
            for c in schema
            if c not in excluded and not c.startswith(tuple(config.exclude_prefixes))
        ]

    numeric: list[str] = []
    categorical: list[str] = []
    dtypes: dict[str, str] = {}
    unusable: list[str] = []
    for name in candidates:
        dtype = schema[name]
        if name in config.categorical or isinstance(dtype, _CATEGORICAL_TYPES):
            categorical.append(name)
        elif dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null:
            numeric.append(name)
        else:
            unusable.append(f"{name} ({dtype})")
            continue
        dtypes[name] = str(dtype)
    if unusable and config.features is not None:
        raise MLInputError(
            f"features of a type the model cannot use: {unusable}. Use numbers, booleans or "
            "strings (e.g. turn dates into days-since)."
        )
    if not numeric and not categorical:
        raise MLInputError(
            "no feature columns found in the panel: every column is a key, the label, the "
            "rules score or excluded. Check the feature model and the exclude list."
        )
    return FeatureSpec(numeric=tuple(numeric), categorical=tuple(categorical), dtypes=dtypes)


def prepare_features(rows: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """Select and type the feature columns of ``rows`` in the spec's order.

    Extra columns are ignored. Numeric features are cast to Float64 (booleans to 0/1, numeric
    strings parsed); categorical features are cast to String. Nulls stay null: the model
    pipelines impute them (numerics: median plus a missing indicator; categoricals: their own
    category).

    Raises:
        MLInputError: feature columns are missing (all are listed), or a numeric feature holds
            values that are not numbers.
    """
    missing = [f for f in spec.names if f not in rows.columns]
    if missing:
        raise MLInputError(
            f"{len(missing)} feature column(s) the model needs are missing from the input: "
            f"{missing}. Score with the same feature model the model was trained on, or "
            "retrain."
        )
    exprs: list[pl.Expr] = [pl.col(name).cast(pl.String) for name in spec.categorical]
    bad: list[str] = []
    for name in spec.numeric:
        dtype = rows.schema[name]
        if dtype.is_numeric() or dtype in (pl.Boolean, pl.Null):
            exprs.append(pl.col(name).cast(pl.Float64).fill_nan(None))
            continue
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
            as_text = rows.get_column(name).cast(pl.String)
            parsed = as_text.str.strip_chars().cast(pl.Float64, strict=False)
            failed = as_text.filter(parsed.is_null() & as_text.is_not_null())
            if failed.len() == 0:
                exprs.append(
                    pl.col(name).cast(pl.String).str.strip_chars().cast(pl.Float64).fill_nan(None)
                )
                continue
            examples = failed.unique(maintain_order=True).head(3).to_list()
            bad.append(f"{name} (trained as {spec.dtypes.get(name)}, got {dtype}: {examples})")
        else:
            bad.append(f"{name} (trained as {spec.dtypes.get(name)}, got {dtype})")
    if bad:
        raise MLInputError(
            f"numeric feature column(s) hold non-numeric values: {bad}. Fix their types in the "
            "feature model."
        )
    return rows.select(exprs)


def degenerate_features(X: pl.DataFrame, spec: FeatureSpec) -> list[dict[str, str]]:
    """The features of prepared rows ``X`` that cannot teach a model anything, and why.

    A feature is degenerate when it is null on every row (``all null``), or holds one value on
    every row (``constant`` for numerics, ``single category`` for categoricals; null counts
    as a value, so a feature that is either one value or null is kept: being missing can
    carry signal). Measured on the training rows, these are dropped before fitting:
    gradient boosting cannot bin an all-null column, and no model learns from a constant.

    Returns:
        ``[{"feature": name, "why": reason}, ...]`` in the spec's order (empty if none).
    """
    if X.height == 0:
        return []
    names = [n for n in spec.names if n in X.columns]
    stats = X.select(
        *[pl.col(n).null_count().alias(f"nulls:{n}") for n in names],
        *[pl.col(n).n_unique().alias(f"unique:{n}") for n in names],
    ).row(0, named=True)
    out: list[dict[str, str]] = []
    for name in names:
        if stats[f"nulls:{name}"] == X.height:
            out.append({"feature": name, "why": f"all null on the {X.height} training rows"})
        elif stats[f"unique:{name}"] == 1:
            value = X.get_column(name).drop_nulls().item(0)
            kind = "single category" if name in spec.categorical else "constant"
            out.append(
                {"feature": name, "why": f"{kind} ({value!r}) on the {X.height} training rows"}
            )
    return out


def labelled_rows(panel: pl.DataFrame, config: FeatureConfig) -> pl.DataFrame:
    """Return the rows whose label is known (0 or 1), sorted by as-of date and lead id.

    Raises:
        MLInputError: key columns are missing, the label holds values other than 0/1, or no
            row is labelled.
    """
    needed = [config.id_column, config.date_column, config.label_column]
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise MLInputError(
            f"the panel lacks required column(s) {missing}; it needs one row per "
            f"({config.id_column}, {config.date_column}) with a 0/1 '{config.label_column}'."
        )
    date_dtype = panel.schema[config.date_column]
    if date_dtype not in (pl.Date, pl.Datetime) and not isinstance(date_dtype, pl.Datetime):
        raise MLInputError(
            f"'{config.date_column}' must be a Date, got {date_dtype}; cast it in the feature "
            "model."
        )
    label = pl.col(config.label_column)
    out = panel.filter(label.is_not_null())
    if out.height == 0:
        raise MLInputError(
            f"no labelled rows: '{config.label_column}' is null on all {panel.height} rows "
            "(the outcome horizon has not passed for any as-of date). Add more history or use "
            "the rules score until outcomes exist."
        )
    values = out.get_column(config.label_column).cast(pl.Int64, strict=False)
    bad = out.get_column(config.label_column).filter(values.is_null() | ~values.is_in([0, 1]))
    if bad.len():
        examples = bad.unique().sort().head(5).to_list()
        raise MLInputError(f"'{config.label_column}' must be 0, 1 or null; found {examples}.")
    return out.with_columns(label.cast(pl.Int8)).sort([config.date_column, config.id_column])
