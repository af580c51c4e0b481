"""Every page in every state a person can reach, checked the same way each time: axe finds no violations and
nothing scrolls sideways.

In Bokmål and English, on a phone (375 px) and a desktop (1280 px); in Bokmål also at 200 % zoom of a
1280 px window (640 CSS px at two device pixels each, which is what the browser's zoom does), at 320 px,
where the content must reflow (WCAG 1.4.4 and 1.4.10), and on a phone that asks for dark colours.

The states: the public pages and a search that finds nothing; the front page, the inbox, a thread, a long
and an empty inbox, a new message and a reply with form errors, a file attached, refused and removed, the
appointments with a cancellation and a request for a new time open (with their errors), the past visits,
the notification set-up with an error, the powers of attorney with the grant form's errors, the usage log,
the logins, the terms, choosing a person and acting for someone, and a municipality that does not take
part. The strings come from the catalogs, so the same walk runs in each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import pytest
from playwright.sync_api import Browser, Locator, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from homecare import routes
from homecare.i18n import translate
from homecare.models import Message, MessageThread, ServiceUnit
from homecare.models.columns import utc_now
from homecare.services.demo_cast import ASLAK, INGRID, KARI, NORA, PER, CastMember
from homecare.state.messages import PAGE_SIZE
from tests.e2e.conftest import assert_accessible, policy_refusals
from tests.e2e.scenes import ensure_grant, give_consent, person, withdraw_consent
from tests.sample_files import PDF

pytestmark = pytest.mark.e2e

LONG_INBOX_TOPIC = "Long inbox"
# The innermost elements that reach past the window's right edge, to say what made a page too wide.
OVERFLOWING = """() => {
    const past = element => element.getBoundingClientRect().right > window.innerWidth + 1;
    return [...document.querySelectorAll('body *')]
        .filter(element => past(element) && ![...element.children].some(past))
        .slice(0, 5)
        .map(element => `${element.tagName}.${element.className} ${element.textContent.slice(0, 40)}`);
}"""


@dataclass(frozen=True)
class Window:
    width: int
    height: int
    scale: float = 1
    colours: Literal["light", "dark"] = "light"


WINDOWS = {
    "phone": Window(375, 812),
    "desktop": Window(1280, 900),
    "desktop-zoom-200": Window(640, 450, 2),
    "reflow-320": Window(320, 640),
    "phone-dark": Window(375, 812, colours="dark"),
}
WALKS = [
    ("nb", "phone"),
    ("nb", "desktop"),
    ("en", "phone"),
    ("en", "desktop"),
    ("nb", "desktop-zoom-200"),
    ("nb", "reflow-320"),
    ("nb", "phone-dark"),
]


class Walk:
    """One person's browser in one language and window, checking each state it comes to."""

    def __init__(self, browser: Browser, portal_url: str, language: str, window: Window) -> None:
        self.language = language
        self.context = browser.new_context(
            viewport={"width": window.width, "height": window.height},
            device_scale_factor=window.scale,
            color_scheme=window.colours,
            locale="nb-NO",
            base_url=portal_url,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.refused = policy_refusals(self.page)
        self.checked: list[str] = []

    def t(self, key: str, **values: object) -> str:
        return translate(self.language, key, **values)

    def open(self, route: str) -> None:
        self.page.goto(route)
        # The language is chosen on the first page, as a person does with the switch.
        if self.language != "nb" and not self.checked and route == routes.HOME:
            self.page.get_by_label(translate("nb", "shell.language")).select_option(self.language)
            expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    def heading(self, key: str, **values: object) -> Locator:
        return self.page.get_by_role("heading", level=1, name=self.t(key, **values))

    def check(self, state: str, shown: Locator) -> None:
        """The state is on the screen; then axe, and the page must not be wider than the window."""
        expect(shown.first).to_be_visible()
        try:
            assert_accessible(self.page)
        except AssertionError as found:
            raise AssertionError(f"{state}: {found}") from None
        width, scroll_width = self.page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
        if scroll_width > width:
            raise AssertionError(
                f"{state}: the page is {scroll_width} px wide in a {width} px window; "
                f"reaching past it: {self.page.evaluate(OVERFLOWING)}"
            )
        self.checked.append(state)

    def attach(self, name: str, content: bytes) -> None:
        """Choose a file as a person does: the button opens the file picker."""
        with self.page.expect_file_chooser() as chooser:
            self.page.get_by_role("button", name=self.t("attachments.add")).click()
        chooser.value.set_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])

    def log_in(self, member: CastMember) -> None:
        self.page.get_by_role("main").get_by_role("link", name=self.t("shell.log_in")).click()
        self.page.get_by_role("button", name=member.full_name).click()

    def nav(self, key: str) -> None:
        self.page.get_by_role("navigation").get_by_role(
            "link", name=re.compile(f"^{re.escape(self.t(key))}")
        ).click()

    def close(self) -> None:
        self.context.close()
        assert self.refused == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def cast_as_in_the_story(portal_database: Engine) -> Iterator[None]:
    ensure_grant(portal_database, KARI, INGRID)
    ensure_grant(portal_database, PER, INGRID)
    for member in (KARI, PER, INGRID, ASLAK):
        give_consent(portal_database, member)
    withdraw_consent(portal_database, NORA)
    yield


@pytest.fixture
def long_inbox_for_per(portal_database: Engine) -> Iterator[None]:
    """More threads than one page holds, all read, written straight into the tables (no notices)."""
    with Session(portal_database) as db:
        per = person(db, PER)
        unit = db.exec(select(ServiceUnit).where(col(ServiceUnit.name).contains("Frogner"))).one()
        now = utc_now()
        for number in range(PAGE_SIZE + 5):
            thread = MessageThread(
                subject_id=per.id or 0,
                service_unit_id=unit.id or 0,
                topic=f"{LONG_INBOX_TOPIC} {number + 1}",
                last_message_at=now - timedelta(days=number + 1),
            )
            db.add(thread)
            db.flush()
            db.add(
                Message(
                    thread_id=thread.id or 0,
                    from_service=True,
                    staff_name="Nurse Test",
                    read_at=now,
                    body=f"Answer number {number + 1}.",
                    created_at=thread.last_message_at,
                )
            )
        db.commit()
    yield
    with Session(portal_database) as db:
        threads = select(MessageThread.id).where(col(MessageThread.topic).startswith(LONG_INBOX_TOPIC))
        db.execute(delete(Message).where(col(Message.thread_id).in_(threads)))
        db.execute(delete(MessageThread).where(col(MessageThread.topic).startswith(LONG_INBOX_TOPIC)))
        db.commit()


def walk_the_public_pages(walk: Walk) -> None:
    page = walk.page
    walk.open(routes.HOME)
    walk.check("front page", walk.heading("home.title"))
    walk.open(routes.MUNICIPALITIES)
    walk.check("municipalities", walk.heading("municipalities.title"))
    page.get_by_label(walk.t("municipalities.search_label")).fill("Atlantis")
    walk.check(
        "no municipality found", page.get_by_text(walk.t("municipalities.none_found", query="Atlantis"))
    )
    walk.open(routes.HELP)
    walk.check("help", walk.heading("help.title"))
    walk.open(routes.ACCESSIBILITY)
    walk.check("accessibility statement", walk.heading("accessibility.title"))
    walk.open("/finnes-ikke")
    walk.check("page not found", walk.heading("not_found.title"))


def walk_karis_messages(walk: Walk) -> None:
    page = walk.page
    walk.nav("nav.messages")
    walk.check("inbox", walk.heading("messages.title"))
    page.get_by_role("link", name="Question about medication").click()
    walk.check("thread", page.get_by_text("Hjemmesykepleien Bergenhus, nurse Line Hansen").first)
    page.get_by_role("button", name=walk.t("messages.send")).click()
    walk.check("reply without text", page.get_by_text(walk.t("messages.problem.text_missing")))
    walk.nav("nav.messages")
    page.get_by_role("link", name=walk.t("messages.new_button")).click()
    walk.check("new message", walk.heading("messages.new_title"))
    page.get_by_role("button", name=walk.t("messages.send")).click()
    walk.check(
        "new message without topic and text", page.get_by_text(walk.t("messages.problem.topic_missing"))
    )
    walk.attach("Medisinliste.pdf", PDF)
    walk.check("a file attached", page.get_by_text(walk.t("attachments.added", name="Medisinliste.pdf")))
    walk.attach("brev.pdf", b"MZ not a document")
    walk.check("a file refused", page.get_by_role("alert").filter(has_text="brev.pdf"))
    page.get_by_role("button", name=walk.t("attachments.remove_label", name="Medisinliste.pdf")).click()
    removed = page.get_by_text(walk.t("attachments.removed", name="Medisinliste.pdf"))
    expect(removed).to_be_focused()
    walk.check("a file removed", removed)


def walk_karis_appointments(walk: Walk) -> None:
    page = walk.page
    walk.nav("nav.appointments")
    walk.check("upcoming visits", walk.heading("appointments.title"))
    cancel = re.compile(f"^{re.escape(walk.t('appointments.cancel'))}:")
    page.get_by_role("button", name=cancel).first.click()
    walk.check("cancelling a visit", page.get_by_role("heading", name=walk.t("appointments.cancel_title")))
    page.get_by_role("button", name=walk.t("appointments.next")).click()
    walk.check("cancelling without a reason", page.get_by_text(walk.t("appointments.problem.reason_missing")))
    page.get_by_text(walk.t("appointments.reason.not_home"), exact=True).click()
    page.get_by_role("button", name=walk.t("appointments.next")).click()
    walk.check(
        "confirming a cancellation", page.get_by_role("heading", name=walk.t("appointments.confirm_title"))
    )
    page.get_by_role("button", name=walk.t("appointments.keep")).click()
    new_time = re.compile(f"^{re.escape(walk.t('appointments.new_time'))}:")
    page.get_by_role("button", name=new_time).first.click()
    walk.check(
        "asking for a new time", page.get_by_role("heading", name=walk.t("appointments.new_time_title"))
    )
    page.get_by_role("button", name=walk.t("appointments.send_request")).click()
    walk.check("a new time without a choice", page.get_by_text(walk.t("appointments.problem.nothing_chosen")))
    page.get_by_role("button", name=walk.t("appointments.close")).click()
    page.get_by_role("button", name=walk.t("appointments.tab_past")).click()
    walk.check("past visits", page.get_by_text(walk.t("appointments.status.completed")))


def walk_karis_own_pages(walk: Walk) -> None:
    page = walk.page
    page.get_by_text(KARI.full_name, exact=True).first.click()  # the profile menu
    walk.check("the profile menu open", page.get_by_role("link", name=walk.t("setup.title")))
    page.get_by_role("link", name=walk.t("setup.title")).click()
    walk.check("notification set-up", walk.heading("setup.title"))
    mobile = page.get_by_label(walk.t("setup.mobile_label"))
    mobile.fill("12")
    page.get_by_role("button", name=walk.t("setup.save")).click()
    walk.check("set-up with a wrong number", page.get_by_text(walk.t("setup.problem.mobile_invalid")))
    walk.nav("nav.powers_of_attorney")
    walk.check("powers of attorney", walk.heading("poa.title"))
    page.get_by_role("button", name=walk.t("poa.grant_button")).click()
    walk.check("granting with nothing filled in", page.get_by_text(walk.t("poa.surname_missing")))
    walk.open(routes.USAGE_LOG)
    walk.check("usage log", walk.heading("usage_log.title"))
    walk.open(routes.SESSIONS)
    walk.check("logins", walk.heading("sessions.title"))


def walk_ingrid_acting_for_others(walk: Walk) -> None:
    page = walk.page
    walk.nav("nav.choose_person")
    walk.check("choosing a person", walk.heading("representation.title"))
    page.get_by_role("button", name=walk.t("representation.choose", name=PER.full_name)).click()
    walk.check("acting for Per", page.get_by_text(walk.t("shell.acting_for", name=PER.full_name)))
    walk.nav("nav.messages")
    walk.check("a long inbox", page.get_by_role("link", name=f"{LONG_INBOX_TOPIC} 1", exact=True))
    walk.nav("nav.choose_person")
    page.get_by_role("button", name=walk.t("representation.choose", name=INGRID.full_name)).click()
    walk.nav("nav.messages")
    walk.check("an empty inbox", page.get_by_text(walk.t("messages.empty")))


@pytest.mark.parametrize(("language", "window"), WALKS, ids=[f"{lang}-{window}" for lang, window in WALKS])
def test_every_state_is_accessible_and_fits_the_window(
    browser: Browser,
    portal_url: str,
    language: str,
    window: str,
    cast_as_in_the_story: None,
    long_inbox_for_per: None,
) -> None:
    walk = Walk(browser, portal_url, language, WINDOWS[window])
    walk_the_public_pages(walk)
    walk.open(routes.HOME)
    walk.log_in(KARI)
    walk.check("Kari's front page", walk.heading("my_page.greeting", name=KARI.full_name))
    walk_karis_messages(walk)
    walk_karis_appointments(walk)
    walk_karis_own_pages(walk)
    walk.close()

    for member, then in ((INGRID, walk_ingrid_acting_for_others), (NORA, None), (ASLAK, None)):
        walk = Walk(browser, portal_url, language, WINDOWS[window])
        walk.open(routes.HOME)
        walk.log_in(member)
        if member is NORA:
            walk.check("the terms", walk.heading("terms.title"))
        elif member is ASLAK:
            place = walk.t("my_page.not_taking_part_title", place="Tromsø")
            walk.check("a municipality not taking part", walk.page.get_by_role("heading", name=place))
        else:
            walk.check("Ingrid's front page", walk.heading("my_page.greeting", name=member.full_name))
        if then is not None:
            then(walk)
        walk.close()
