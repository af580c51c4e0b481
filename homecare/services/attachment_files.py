"""The attachment folder: each file under a random name, written whole or not at all, read only intact."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_KEY = re.compile(r"\d{4}/\d{2}/[0-9a-f]{32}")


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class AttachmentFiles:
    """Files in `folder`, named by keys that this class makes; a key from anywhere else is refused."""

    folder: Path

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError("not an attachment key")
        return self.folder / key

    def store(self, content: bytes, now: datetime) -> str:
        """Write `content` under a new key, readable by this process's user only; returns the key."""
        key = f"{now:%Y/%m}/{secrets.token_hex(16)}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            # A reader never sees half a file: the name appears only when the content is all there.
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return key

    def read(self, key: str, sha256: str) -> bytes | None:
        """The content under `key` if it is there and still matches its checksum; None otherwise."""
        try:
            content = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        return content if checksum(content) == sha256 else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
