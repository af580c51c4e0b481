"""A development identity provider keeping ID-porten's OpenID Connect contract, for laptops, demos and tests.

It knows nothing about the portal: any synthetic national identity number can log in, at the security level
chosen on its login page. It refuses to run in production unless explicitly allowed.
"""

from homecare.auth.dev_idp.app import DevIdpRefusedError, create_app, refusal_reason
from homecare.auth.dev_idp.loopback import running_dev_idp
from homecare.auth.dev_idp.server import ACR_HIGH, ACR_SUBSTANTIAL, RegisteredClient

__all__ = [
    "ACR_HIGH",
    "ACR_SUBSTANTIAL",
    "DevIdpRefusedError",
    "RegisteredClient",
    "create_app",
    "refusal_reason",
    "running_dev_idp",
]
