"""Route constants: pages link to these names, never to string paths of their own."""

HOME = "/"
MUNICIPALITIES = "/kommuner"
HELP = "/hjelp"

# The catalog key of each page's title, for the document title in the chosen language.
TITLE_KEYS: dict[str, str] = {
    HOME: "nav.home",
    MUNICIPALITIES: "municipalities.title",
    HELP: "help.title",
}


def title_key(path: str) -> str:
    """The title key of the page at `path` (trailing slash ignored); unknown paths get "not found"."""
    normalized = path.rstrip("/") or HOME
    return TITLE_KEYS.get(normalized, "not_found.title")
