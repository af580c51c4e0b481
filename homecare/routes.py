"""Route constants: pages link to these names, never to string paths of their own."""

HOME = "/"
MUNICIPALITIES = "/kommuner"
HELP = "/hjelp"
# The accessibility statement the regulations ask of every public service (tilgjengelighetserklæring).
ACCESSIBILITY = "/tilgjengelighet"
MY_PAGE = "/min-side"
SESSIONS = "/min-side/innlogginger"
TERMS = "/vilkar"
LOGIN_FAILED = "/innlogging/feil"
CHOOSE_PERSON = "/velg-person"
MESSAGES = "/meldinger"
NEW_MESSAGE = "/meldinger/ny"
THREAD = "/meldinger/[thread]"
# Reflex's name for the page shown at any address that is no page.
NOT_FOUND = "404"
POWERS_OF_ATTORNEY = "/fullmakter"
USAGE_LOG = "/logg"
APPOINTMENTS = "/timeavtaler"
NOTIFICATION_SETUP = "/min-side/varsler"
# Every SMS and e-mail the development set-up "sent" (no such page does anything in production).
DEVELOPMENT_OUTBOX = "/utvikling/utboks"

# HTTP routes of the login (not pages: only an HTTP response can set an HttpOnly cookie).
AUTH_LOGIN = "/auth/login"
AUTH_CALLBACK = "/auth/callback"
AUTH_LOGOUT = "/auth/logout"
AUTH_LOGGED_OUT = "/auth/logged-out"
# The provider ends the sessions of a login it logged out elsewhere (OpenID Connect Back-Channel Logout).
AUTH_BACKCHANNEL_LOGOUT = "/auth/backchannel-logout"

# For the load balancer and the operators: is the process up, and can it serve (database, Redis)?
HEALTH = "/healthz"
READY = "/readyz"
METRICS = "/metrics"

# An attachment, handed out by an HTTP route that runs the access check (never a static file).
ATTACHMENTS = "/vedlegg"
ATTACHMENT = ATTACHMENTS + "/{public_id}"
# The upcoming visits as a calendar file, likewise behind the access check.
CALENDAR = "/timeavtaler.ics"
# The logged-in person's own data as a ZIP of JSON files.
DATA_EXPORT = "/min-side/mine-data.zip"

# The catalog key of each page's title, for the document title in the chosen language.
TITLE_KEYS: dict[str, str] = {
    HOME: "nav.home",
    MUNICIPALITIES: "municipalities.title",
    HELP: "help.title",
    ACCESSIBILITY: "accessibility.title",
    MY_PAGE: "my_page.title",
    SESSIONS: "sessions.title",
    TERMS: "terms.title",
    LOGIN_FAILED: "login_failed.title",
    CHOOSE_PERSON: "representation.title",
    POWERS_OF_ATTORNEY: "poa.title",
    USAGE_LOG: "usage_log.title",
    MESSAGES: "messages.title",
    NEW_MESSAGE: "messages.new_title",
    APPOINTMENTS: "appointments.title",
    NOTIFICATION_SETUP: "setup.title",
    DEVELOPMENT_OUTBOX: "dev_outbox.title",
}


# Every page's route as registered, each with a document title (title_key below).
TITLED_ROUTES: tuple[str, ...] = (*TITLE_KEYS, THREAD, NOT_FOUND)


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


def thread_in(path: str) -> str:
    """The public id of the thread whose address is `path`; empty for any other address."""
    prefix = f"{MESSAGES}/"
    path = normalized(path)
    public_id = path.removeprefix(prefix) if path.startswith(prefix) else ""
    return public_id if "/" not in public_id else ""


def attachment(public_id: str) -> str:
    """The address of one attachment."""
    return f"{ATTACHMENTS}/{public_id}"
