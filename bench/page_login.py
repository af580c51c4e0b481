"""Logging in for the page benchmarks: Ingrid, acting for Kari, through the development identity provider.

The benchmarks measure what a person gets, so they log in as one does (the front page's login link, the
provider's login page, the choice of person) and keep the browser's cookies for the pages they then open.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Browser, Page, StorageState, expect

from homecare import routes
from homecare.i18n import DEFAULT_LANGUAGE, translate
from homecare.services.demo_cast import INGRID, KARI, CastMember

LANGUAGE = DEFAULT_LANGUAGE
LOCALE = "nb-NO"
STEP_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class LoggedIn:
    """The cookies of a logged-in browser, and the address of a thread in the inbox it acts for."""

    storage_state: StorageState
    thread_path: str


def _text(key: str, **values: object) -> str:
    return translate(LANGUAGE, key, **values)


def _accept_terms_if_asked(page: Page, member: CastMember) -> None:
    """The demo cast has accepted the terms; a database where the terms changed since asks again."""
    greeting = page.get_by_role("heading", level=1, name=_text("my_page.greeting", name=member.full_name))
    accept = page.get_by_role("button", name=_text("terms.accept"))
    expect(greeting.or_(accept)).to_be_visible()
    if accept.is_visible():
        accept.click()
        expect(greeting).to_be_visible()


def log_in(
    browser: Browser, base_url: str, issuer: str, actor: CastMember = INGRID, subject: CastMember = KARI
) -> LoggedIn:
    """Log in as `actor` at the provider `issuer`, choose to act for `subject`, and find one of their threads.

    Fails when the portal sends the login elsewhere than `issuer` (a portal set up for another provider).
    """
    context = browser.new_context(locale=LOCALE, base_url=base_url)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(routes.HOME)
        page.get_by_role("main").get_by_role("link", name=_text("shell.log_in")).click()
        page.wait_for_url(f"{issuer.rstrip('/')}/**")
        page.get_by_role("button", name=actor.full_name).click()
        page.wait_for_url(f"{base_url}/**")
        _accept_terms_if_asked(page, actor)

        if subject != actor:
            page.goto(routes.CHOOSE_PERSON)
            page.get_by_role("button", name=_text("representation.choose", name=subject.full_name)).click()
            expect(page.get_by_text(_text("shell.acting_for", name=subject.full_name))).to_be_visible()

        page.goto(routes.MESSAGES)
        first_thread = page.locator(
            f"main ul a[href^='{routes.MESSAGES}/']:not([href='{routes.NEW_MESSAGE}'])"
        ).first
        href = first_thread.get_attribute("href") or ""
        if not routes.thread_in(href):
            raise RuntimeError(f"{subject.full_name}'s inbox shows no thread to measure (found {href!r})")
        return LoggedIn(storage_state=context.storage_state(), thread_path=href)
    finally:
        context.close()
