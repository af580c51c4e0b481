"""Route constants: pages link to these names, never to string paths of their own."""

HOME = "/"
MUNICIPALITIES = "/kommuner"
HELP = "/hjelp"
MY_PAGE = "/min-side"
SESSIONS = "/min-side/innlogginger"
TERMS = "/vilkar"
LOGIN_FAILED = "/innlogging/feil"

# Pages that need a logged-in person; the terms page needs one too, but not accepted terms.
PROTECTED = frozenset({MY_PAGE, SESSIONS, TERMS})

# The catalog key of each page's title, for the document title in the chosen language.
TITLE_KEYS: dict[str, str] = {
    HOME: "nav.home",
    MUNICIPALITIES: "municipalities.title",
    HELP: "help.title",
    MY_PAGE: "my_page.title",
    SESSIONS: "sessions.title",
    TERMS: "terms.title",
    LOGIN_FAILED: "login_failed.title",
}


def normalized(path: str) -> str:
    """A path without its trailing slash ("/" stays "/")."""
    return path.rstrip("/") or HOME


def title_key(path: str) -> str:
    """The title key of the page at `path`; unknown paths get "not found"."""
    return TITLE_KEYS.get(normalized(path), "not_found.title")


def login_url(language: str) -> str:
    """Where the "Log in" button goes: an HTTP route that sends the browser on to the identity provider."""
    return f"/auth/login?lang={language}"
