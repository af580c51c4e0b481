"""Login with the national login (OpenID Connect), server-side sessions, and the development provider."""
