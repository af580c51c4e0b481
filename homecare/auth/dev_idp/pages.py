"""The provider's server-rendered pages: the login page, the error page and the logged-out page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from homecare.auth.dev_idp.server import ACR_HIGH, ACR_SUBSTANTIAL

NATIONAL_ID_FIELD = "national_id"
ACR_FIELD = "acr"
REQUEST_ID_FIELD = "request_id"
ACTION_FIELD = "action"
CAST_FIELD = "cast"
LOG_IN_ACTION = "login"
CANCEL_ACTION = "cancel"
NOT_SYNTHETIC = "not_synthetic"
UNKNOWN_ACR = "unknown_acr"

_TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Utviklingsinnlogging",
        "notice": (
            "Dette er en identitetsleverandør for utvikling og test. Den kjenner bare syntetiske personer: "
            "bruk aldri fødselsnummeret til en ekte person."
        ),
        "client": "Du logger inn på tjenesten «{client}».",
        "national_id": "Fødselsnummer",
        "national_id_hint": "11 siffer. Bare syntetiske testnumre.",
        "acr": "Sikkerhetsnivå",
        ACR_HIGH: "Høyt (idporten-loa-high)",
        ACR_SUBSTANTIAL: "Betydelig (idporten-loa-substantial)",
        "log_in": "Logg inn",
        "cancel": "Avbryt",
        "cast_heading": "Demopersoner",
        "cast_intro": "Logg inn som en av de syntetiske demopersonene med ett klikk.",
        "not_eleven_digits": "Skriv inn et fødselsnummer på nøyaktig 11 siffer.",
        "bad_check_digits": "Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet riktig.",
        "bad_date": "Nummeret begynner ikke med en gyldig fødselsdato.",
        "bad_individual_number": "Individnummeret passer ikke med fødselsåret.",
        NOT_SYNTHETIC: "Her kan du bare bruke syntetiske testnumre, aldri nummeret til en ekte person.",
        UNKNOWN_ACR: "Velg et av sikkerhetsnivåene i listen.",
        "error_title": "Innloggingen kan ikke fortsette",
        "error_intro": "Forespørselen fra tjenesten er ugyldig, så du blir ikke sendt tilbake dit.",
        "expired": (
            "Denne innloggingen er ikke lenger gyldig. "
            "Gå tilbake til tjenesten og start innloggingen på nytt."
        ),
        "details": "Detaljer for utviklere",
        "logged_out_title": "Du er logget ut",
        "logged_out": "Du er logget ut av utviklingsinnloggingen.",
    },
    "nn": {
        "title": "Utviklingsinnlogging",
        "notice": (
            "Dette er ein identitetsleverandør for utvikling og test. Han kjenner berre syntetiske personar: "
            "bruk aldri fødselsnummeret til ein ekte person."
        ),
        "client": "Du loggar inn på tenesta «{client}».",
        "national_id": "Fødselsnummer",
        "national_id_hint": "11 siffer. Berre syntetiske testnummer.",
        "acr": "Sikkerheitsnivå",
        ACR_HIGH: "Høgt (idporten-loa-high)",
        ACR_SUBSTANTIAL: "Betydeleg (idporten-loa-substantial)",
        "log_in": "Logg inn",
        "cancel": "Avbryt",
        "cast_heading": "Demopersonar",
        "cast_intro": "Logg inn som ein av dei syntetiske demopersonane med eitt klikk.",
        "not_eleven_digits": "Skriv inn eit fødselsnummer på nøyaktig 11 siffer.",
        "bad_check_digits": "Kontrollsifra stemmer ikkje. Sjekk at nummeret er skrive rett.",
        "bad_date": "Nummeret byrjar ikkje med ein gyldig fødselsdato.",
        "bad_individual_number": "Individnummeret passar ikkje med fødselsåret.",
        NOT_SYNTHETIC: "Her kan du berre bruke syntetiske testnummer, aldri nummeret til ein ekte person.",
        UNKNOWN_ACR: "Vel eitt av sikkerheitsnivåa i lista.",
        "error_title": "Innlogginga kan ikkje halde fram",
        "error_intro": "Førespurnaden frå tenesta er ugyldig, så du blir ikkje sendt tilbake dit.",
        "expired": (
            "Denne innlogginga er ikkje lenger gyldig. Gå tilbake til tenesta og start innlogginga på nytt."
        ),
        "details": "Detaljar for utviklarar",
        "logged_out_title": "Du er logga ut",
        "logged_out": "Du er logga ut av utviklingsinnlogginga.",
    },
    "en": {
        "title": "Development login",
        "notice": (
            "This is an identity provider for development and testing. It only knows synthetic people: "
            "never use a real person's national identity number."
        ),
        "client": "You are logging in to the service “{client}”.",
        "national_id": "National identity number",
        "national_id_hint": "11 digits. Synthetic test numbers only.",
        "acr": "Security level",
        ACR_HIGH: "High (idporten-loa-high)",
        ACR_SUBSTANTIAL: "Substantial (idporten-loa-substantial)",
        "log_in": "Log in",
        "cancel": "Cancel",
        "cast_heading": "Demo people",
        "cast_intro": "Log in as one of the synthetic demo people with one click.",
        "not_eleven_digits": "Enter a national identity number of exactly 11 digits.",
        "bad_check_digits": "The check digits do not match. Check that the number is typed correctly.",
        "bad_date": "The number does not start with a valid date of birth.",
        "bad_individual_number": "The individual number does not fit the year of birth.",
        NOT_SYNTHETIC: "Only synthetic test numbers can be used here, never a real person's number.",
        UNKNOWN_ACR: "Choose one of the security levels in the list.",
        "error_title": "The login cannot continue",
        "error_intro": "The service sent an invalid request, so you are not sent back to it.",
        "expired": "This login is no longer valid. Go back to the service and start the login again.",
        "details": "Details for developers",
        "logged_out_title": "You are logged out",
        "logged_out": "You are logged out of the development login.",
    },
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
background:#f4f5f7}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 1rem}
h2{font-size:1.25rem;margin:2rem 0 .5rem}
.notice{background:#fff4ce;border-left:.375rem solid #8a6d00;padding:.75rem 1rem;margin:0 0 1rem}
.field{margin:1.25rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{margin:0 0 .5rem;color:#3d3d3d}
.error{margin:0 0 .5rem;color:#b00020;font-weight:600}
input,select{width:100%;min-height:3rem;padding:.5rem .75rem;font:inherit;color:inherit;background:#fff;
border:2px solid #505050;border-radius:.25rem}
[aria-invalid=true]{border-color:#b00020;border-width:3px}
button{display:block;width:100%;min-height:3rem;padding:.625rem 1rem;font:inherit;font-weight:600;
border-radius:.25rem;cursor:pointer;text-align:center}
.primary{background:#0b3d91;color:#fff;border:2px solid #0b3d91}
.secondary,.cast button{background:#fff;color:#0b3d91;border:2px solid #0b3d91}
.secondary{margin-top:2rem}
.cast{list-style:none;padding:0;margin:0;display:grid;gap:.5rem}
.details{font-family:ui-monospace,monospace;font-size:.9375rem;overflow-wrap:anywhere}
:focus-visible{outline:3px solid #ff9e1b;outline-offset:2px}
"""


@dataclass(frozen=True)
class CastButton:
    """A one-click login as a synthetic person: the button shows the name and submits the number."""

    full_name: str
    national_id: str


@dataclass(frozen=True)
class LoginForm:
    """What the login page shows: the pending request, the values typed so far and any errors."""

    request_id: str
    client_id: str
    national_id: str = ""
    acr: str = ACR_HIGH
    national_id_error: str | None = None
    acr_error: str | None = None


# The pages' language for each ui_locales choice. This stand-in for ID-porten has no Sámi pages (the real one
# has), so Sámi gets Bokmål, the portal's fallback too; any other choice gets English.
_PAGE_LANGUAGES: dict[str, str] = {"nb": "nb", "nn": "nn", "se": "nb"}


def page_language(locale: str) -> str:
    """The language of the pages for a ui_locales choice."""
    return _PAGE_LANGUAGES.get(locale, "en")


def login_page(language: str, form: LoginForm, cast: Sequence[CastButton]) -> str:
    """The login page: a national identity number, a security level, and one button per demo person."""
    texts = _TEXTS[language]
    national_id_error = texts[form.national_id_error] if form.national_id_error else None
    acr_error = texts[form.acr_error] if form.acr_error else None
    options = "".join(
        f'<option value="{_e(level)}"{" selected" if level == form.acr else ""}>{_e(texts[level])}</option>'
        for level in (ACR_HIGH, ACR_SUBSTANTIAL)
    )
    cast_buttons = "".join(
        f'<li><button type="submit" name="{CAST_FIELD}" value="{_e(person.national_id)}">'
        f"{_e(person.full_name)}</button></li>"
        for person in cast
    )
    national_id_field = _field(
        NATIONAL_ID_FIELD,
        texts["national_id"],
        national_id_error,
        '<input type="text" inputmode="numeric" autocomplete="off" spellcheck="false" '
        f'name="{NATIONAL_ID_FIELD}" value="{_e(form.national_id)}"',
        hint=texts["national_id_hint"],
    )
    acr_field = _field(
        ACR_FIELD, texts["acr"], acr_error, f'<select name="{ACR_FIELD}"', closing=f">{options}</select>"
    )
    body = (
        f"<h1>{_e(texts['title'])}</h1>"
        f'<p class="notice">{_e(texts["notice"])}</p>'
        f"<p>{_e(texts['client'].format(client=form.client_id))}</p>"
        # novalidate: the provider checks the number itself and shows its message next to the field.
        '<form method="post" action="/authorize" novalidate>'
        f'<input type="hidden" name="{REQUEST_ID_FIELD}" value="{_e(form.request_id)}">'
        f"{national_id_field}{acr_field}"
        # The login button comes first among the submit buttons, so Enter in the field logs in.
        f'<button type="submit" class="primary" name="{ACTION_FIELD}" value="{LOG_IN_ACTION}">'
        f"{_e(texts['log_in'])}</button>"
        '<section aria-labelledby="cast-heading">'
        f'<h2 id="cast-heading">{_e(texts["cast_heading"])}</h2>'
        f"<p>{_e(texts['cast_intro'])}</p>"
        f'<ul class="cast">{cast_buttons}</ul>'
        "</section>"
        f'<button type="submit" class="secondary" name="{ACTION_FIELD}" value="{CANCEL_ACTION}">'
        f"{_e(texts['cancel'])}</button>"
        "</form>"
    )
    return _document(language, texts["title"], body)


def error_page(language: str, *, expired: bool = False, error: str = "", description: str = "") -> str:
    """The page for a request that must not be redirected back, such as one with an unknown redirect_uri."""
    texts = _TEXTS[language]
    message = texts["expired"] if expired else texts["error_intro"]
    details = ""
    if error:
        details = (
            f'<h2>{_e(texts["details"])}</h2><p class="details">{_e(error)}'
            f"{': ' + _e(description) if description else ''}</p>"
        )
    body = f"<h1>{_e(texts['error_title'])}</h1><p>{_e(message)}</p>{details}"
    return _document(language, texts["error_title"], body)


def logged_out_page(language: str) -> str:
    """The page shown after logout when the client asked for no redirect."""
    texts = _TEXTS[language]
    body = f"<h1>{_e(texts['logged_out_title'])}</h1><p>{_e(texts['logged_out'])}</p>"
    return _document(language, texts["logged_out_title"], body)


def _field(
    name: str, label: str, error: str | None, control_start: str, *, hint: str = "", closing: str = ">"
) -> str:
    """A labelled form control, its hint and its error message, tied together with aria-describedby."""
    described_by = [f"{name}-hint"] if hint else []
    hint_html = f'<p class="hint" id="{name}-hint">{_e(hint)}</p>' if hint else ""
    error_html = ""
    invalid = ""
    if error:
        described_by.insert(0, f"{name}-error")
        error_html = f'<p class="error" id="{name}-error">{_e(error)}</p>'
        # Focus lands on the field in error, so a screen reader reads the label and the message at once.
        invalid = ' aria-invalid="true" autofocus'
    aria = f' aria-describedby="{" ".join(described_by)}"' if described_by else ""
    return (
        f'<div class="field"><label for="{name}">{_e(label)}</label>{hint_html}{error_html}'
        f'{control_start} id="{name}"{aria}{invalid}{closing}</div>'
    )


def _document(language: str, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def _e(text: str) -> str:
    return escape(text, quote=True)
