"""Surrogate keys: short tokens that every front-end cache accepts alike."""

import re
from collections.abc import Iterable

# Space and comma separate keys in the xkey, Surrogate-Key and Cache-Tag headers,
# and Cloudflare compares tags without case: lower case, no separators.
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9._:/-]{0,127}")


def clean_keys(keys: Iterable[str]) -> list[str]:
    """The keys sorted and without repeats; a key no cache could carry raises ValueError."""
    if isinstance(keys, str):
        raise ValueError(f"keys must be a collection of keys, not one string: {keys!r}")
    cleaned = sorted(set(keys))
    for key in cleaned:
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise ValueError(f"not a surrogate key (a-z, 0-9 and ._:/- up to 128 characters): {key!r}")
    return cleaned
