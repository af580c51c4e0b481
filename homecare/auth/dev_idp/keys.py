"""The provider's RS256 signing key, kept in a PEM file so a restart does not invalidate issued tokens."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from joserfc.jwk import RSAKey

from homecare.settings import PROJECT_ROOT

KEY_FILE_ENV = "HOMECARE_DEV_IDP_KEY_FILE"
DEFAULT_KEY_FILE = PROJECT_ROOT / "data" / "dev-idp-key.pem"
SIGNING_ALGORITHM = "RS256"
_KEY_PARAMETERS = {"use": "sig", "alg": SIGNING_ALGORITHM}


def key_file_path() -> Path:
    """Where the signing key lives: $HOMECARE_DEV_IDP_KEY_FILE, else data/dev-idp-key.pem in the project."""
    configured = os.environ.get(KEY_FILE_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_KEY_FILE


def generate_signing_key() -> RSAKey:
    """A fresh 2048-bit RSA signing key whose kid is its RFC 7638 thumbprint."""
    key = RSAKey.generate_key(2048, parameters=dict(_KEY_PARAMETERS))
    key.ensure_kid()
    return key


def load_or_create_signing_key(path: Path | None = None) -> RSAKey:
    """The key stored at `path` (default: `key_file_path()`), generated and stored first if there is none."""
    path = path or key_file_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _store_unless_present(path, generate_signing_key())
    # Read back even after generating: when two processes start at once, both must use the key that won.
    key = RSAKey.import_key(path.read_bytes(), parameters=dict(_KEY_PARAMETERS))
    key.ensure_kid()
    return key


def public_key_set(key: RSAKey) -> dict[str, list[dict[str, object]]]:
    """The JWKS document: the public half of `key`, with kid, use and alg."""
    return {"keys": [key.as_dict(private=False)]}


def _store_unless_present(path: Path, key: RSAKey) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".dev-idp-key-", suffix=".pem")
    try:
        # mkstemp creates the file readable by the owner only, which a private key needs.
        with os.fdopen(descriptor, "wb") as output:
            output.write(key.as_pem(private=True))
        # A hard link fails if the file appeared meanwhile, so a concurrent start cannot replace the key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
