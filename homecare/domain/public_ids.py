"""The random names things have towards the browser (threads, visits, attachments): what one can look like."""

from __future__ import annotations

import re

# secrets.token_urlsafe gives these characters; anything else (a NUL byte, a slash) names nothing.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def is_public_id(value: object) -> bool:
    """Whether `value` could be a public id at all; anything else is not looked up."""
    return isinstance(value, str) and _PUBLIC_ID.fullmatch(value) is not None
