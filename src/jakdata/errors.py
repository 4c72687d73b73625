"""The one exception every layer raises for input that cannot be read or a request that makes no sense."""

from __future__ import annotations


class InputError(ValueError):
    """The input cannot be read or the request makes no sense (CLI exit status 2)."""
