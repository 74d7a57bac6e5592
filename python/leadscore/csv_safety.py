"""CSV formula injection: neutralise text cells before a CSV meant for people is written.

Spreadsheets (Excel, LibreOffice, Google Sheets) read a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a lead id such
as `=cmd|' /C calc'!A0`, or simply a reason such as `+ Seniority: vp`, would be
evaluated when someone opens the file. Following OWASP ("CSV Injection"), such
a text cell is written with a leading single quote, which spreadsheets show as
text. Only text columns change: numbers, dates and booleans are written as
they are, and Parquet files keep the raw values.
"""

from __future__ import annotations

import polars as pl

# The first characters that make a spreadsheet treat a cell as a formula (OWASP).
# The Unicode minus sign U+2212 is not one of them; the ASCII hyphen-minus is.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"

_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


def neutralise_cell(value: str) -> str:
    """`value` with a leading `'` if it starts with a formula trigger, else unchanged."""
    return NEUTRALISING_PREFIX + value if value.startswith(FORMULA_TRIGGERS) else value


def neutralise_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell passed through `neutralise_cell`; other columns as they are.

    Categorical and Enum columns become String (a CSV holds text either way).
    Nulls stay null.
    """
    expressions = []
    for name, dtype in frame.schema.items():
        if not isinstance(dtype, _TEXT_TYPES):
            continue
        text = pl.col(name).cast(pl.String)
        expressions.append(
            pl.when(text.str.slice(0, 1).is_in(FORMULA_TRIGGERS))
            .then(pl.lit(NEUTRALISING_PREFIX) + text)
            .otherwise(text)
            .alias(name)
        )
    return frame.with_columns(expressions) if expressions else frame
