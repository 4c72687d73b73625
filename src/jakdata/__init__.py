"""jakdata: hand-extracted, schema-checked clinical study data on JAK and related kinase inhibitors.

    >>> import jakdata
    >>> jakdata.tables()[:3]
    ['sources', 'studies', 'drugs']
    >>> df = jakdata.load("jump_predictors")      # doctest: +SKIP

Importing jakdata is cheap: pandas is imported on the first load, pandera and frictionless
only when a schema or a validation is asked for.
"""

from .__about__ import CITATION, __version__
from .load import describe, load, schema, table_path, tables, validate

__all__ = ["CITATION", "__version__", "describe", "load", "schema", "table_path", "tables", "validate"]
