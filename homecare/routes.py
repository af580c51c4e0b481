"""Route constants: pages link to these names, never to string paths of their own."""

HOME = "/"
MUNICIPALITIES = "/kommuner"
HELP = "/hjelp"
MY_PAGE = "/min-side"
SESSIONS = "/min-side/innlogginger"
TERMS = "/vilkar"
LOGIN_FAILED = "/innlogging/feil"
CHOOSE_PERSON = "/velg-person"
MESSAGES = "/meldinger"
NEW_MESSAGE = "/meldinger/ny"
THREAD = "/meldinger/[thread]"
POWERS_OF_ATTORNEY = "/fullmakter"
USAGE_LOG = "/logg"

# HTTP routes of the login (not pages: only an HTTP response can set an HttpOnly cookie).
AUTH_LOGIN = "/auth/login"
AUTH_CALLBACK = "/auth/callback"
AUTH_LOGOUT = "/auth/logout"
AUTH_LOGGED_OUT = "/auth/logged-out"

# The catalog key of each page's title, for the document title in the chosen language.
TITLE_KEYS: dict[str, str] = {
    HOME: "nav.home",
    MUNICIPALITIES: "municipalities.title",
    HELP: "help.title",
    MY_PAGE: "my_page.title",
    SESSIONS: "sessions.title",
    TERMS: "terms.title",
    LOGIN_FAILED: "login_failed.title",
    CHOOSE_PERSON: "representation.title",
    POWERS_OF_ATTORNEY: "poa.title",
    USAGE_LOG: "usage_log.title",
    MESSAGES: "messages.title",
    NEW_MESSAGE: "messages.new_title",
}


def normalized(path: str) -> str:
    """A path without its trailing slash ("/" stays "/")."""
    return path.rstrip("/") or HOME


def title_key(path: str) -> str:
    """The title key of the page at `path`; unknown paths get "not found"."""
    path = normalized(path)
    if path not in TITLE_KEYS and path.startswith(f"{MESSAGES}/"):
        return "messages.thread_title"
    return TITLE_KEYS.get(path, "not_found.title")


def thread(public_id: str) -> str:
    """The address of one message thread."""
    return f"{MESSAGES}/{public_id}"
