"""The main flows with the keyboard alone: Tab to a control (its focus visible), Enter or Space to use it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import time

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select, update

from homecare import routes
from homecare.domain.notifications import NotificationLevel
from homecare.domain.visits import DEFAULT_CANCEL_CUTOFF, VisitStatus
from homecare.models import CitizenEvent, HomeVisit, Message, NotificationPreference
from homecare.services.demo_cast import INGRID, KARI, NORA, CastMember
from tests.e2e.scenes import end_grants, ensure_grant, give_consent, person
from tests.e2e.test_appointments import set_deadline

pytestmark = pytest.mark.e2e

MOST_TABS = 80


@pytest.fixture(autouse=True)
def ingrid_may_act_for_kari(portal_database: Engine) -> Iterator[None]:
    ensure_grant(portal_database, KARI, INGRID)
    for member in (KARI, INGRID):
        give_consent(portal_database, member)
    yield


@pytest.fixture
def cancellable_until_the_visit(portal_database: Engine) -> Iterator[None]:
    """Visits may be cancelled until they start (the test does not hang on the clock); afterwards the
    defaults again, and what the test cancelled is planned again."""
    set_deadline(portal_database, time(23, 59), 0)
    yield
    set_deadline(portal_database, DEFAULT_CANCEL_CUTOFF, 1)
    with Session(portal_database) as db:
        db.execute(delete(CitizenEvent).where(col(CitizenEvent.visit_id).is_not(None)))
        db.execute(
            update(HomeVisit)
            .where(col(HomeVisit.status) == VisitStatus.CANCELLED_BY_CITIZEN)
            .values(status=VisitStatus.PLANNED, cancelled_at=None, cancelled_by_id=None)
        )
        db.commit()


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, and check that the focus can be seen there."""
    expect(target).to_be_visible()
    for _press in range(MOST_TABS):
        if target.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached {target}")
    # The design system draws a button's focus ring on the element inside the one that has the focus, and a
    # text field's on the box around it.
    shown = target.evaluate(
        """element => {
            const parts = [element, ...[...element.querySelectorAll('*')].slice(0, 20)];
            for (let up = element.parentElement, n = 0; up && n < 3; n++) {
                parts.push(up);
                up = up.parentElement;
            }
            return parts.some(part => {
                const style = getComputedStyle(part);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                return outline || style.boxShadow !== 'none';
            });
        }"""
    )
    assert shown, f"the focus on {target} is not visible"


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def log_in_with_the_keyboard(page: Page, member: CastMember) -> None:
    """From the front page through the development login to the person's front page, with Enter only."""
    page.goto(routes.HOME)
    press(page, page.get_by_role("main").get_by_role("link", name="Logg inn"))
    expect(page.get_by_role("heading", name="Utviklingsinnlogging")).to_be_visible()
    press(page, page.get_by_role("button", name=member.full_name))
    expect(page.get_by_role("heading", level=1, name=f"Hei, {member.full_name}")).to_be_visible()


def test_ingrid_logs_in_acts_for_kari_and_replies_with_the_keyboard_only(
    page: Page, portal_database: Engine
) -> None:
    log_in_with_the_keyboard(page, INGRID)

    press(page, page.get_by_role("navigation").get_by_role("link", name="Bytt person"))
    press(page, page.get_by_role("button", name="Velg Kari Nordmann"))
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()

    press(page, page.get_by_role("navigation").get_by_role("link", name=re.compile("^Meldinger")))
    press(page, page.get_by_role("link", name="Question about medication"))
    expect(page.get_by_text("Hjemmesykepleien Bergenhus, nurse Line Hansen")).to_be_visible()
    text = f"Skrevet med tastaturet ({secrets.token_hex(3)})"
    tab_to(page, page.get_by_label("Melding", exact=True))
    page.keyboard.type(text)
    press(page, page.get_by_role("button", name="Send"))
    expect(page.get_by_text("Meldingen er sendt.")).to_be_visible()
    with Session(portal_database) as db:
        assert db.exec(select(Message).where(Message.body == text)).first() is not None


def test_kari_cancels_a_visit_with_the_keyboard_and_the_focus_follows_each_step(
    page: Page, cancellable_until_the_visit: None
) -> None:
    log_in_with_the_keyboard(page, KARI)
    press(page, page.get_by_role("navigation").get_by_role("link", name="Timeavtaler"))
    expect(page.get_by_role("heading", name="I morgen")).to_be_visible()
    tomorrow = page.locator("section", has=page.get_by_role("heading", name="I morgen", exact=True))
    press(page, tomorrow.get_by_role("button", name=re.compile("^Avbestill:")).first)
    # The focus moves into the step, so a screen reader reads it from its title.
    expect(page.locator("#visit-step-title")).to_be_focused()
    press(page, page.get_by_label("Jeg er ikke hjemme", exact=True), "Space")
    expect(page.get_by_label("Jeg er ikke hjemme", exact=True)).to_be_checked()
    press(page, page.get_by_role("button", name="Gå videre"))
    expect(page.get_by_role("heading", name="Vil du avbestille besøket?")).to_be_visible()
    expect(page.locator("#visit-step-title")).to_be_focused()
    press(page, page.get_by_role("button", name="Ja, avbestill besøket"))
    notice = page.get_by_text(re.compile("Besøket er avbestilt, og hjemmetjenesten har fått beskjed"))
    expect(notice).to_be_visible()
    # And back out of the step: the focus is on what it says happened.
    expect(page.locator("#appointments-notice")).to_be_focused()


@pytest.fixture
def nothing_from_kari_to_nora(portal_database: Engine) -> Iterator[None]:
    end_grants(portal_database, KARI, NORA)
    yield
    end_grants(portal_database, KARI, NORA)


def test_kari_grants_and_ends_a_power_of_attorney_with_the_keyboard(
    page: Page, nothing_from_kari_to_nora: None
) -> None:
    log_in_with_the_keyboard(page, KARI)
    press(page, page.get_by_role("navigation").get_by_role("link", name="Fullmakter"))
    expect(page.get_by_role("heading", level=1, name="Fullmakter")).to_be_visible()

    # Sent empty: the focus goes to the first field in error, which names its error.
    press(page, page.get_by_role("button", name="Gi fullmakt"))
    number = page.get_by_label("Fødselsnummeret til den som skal få fullmakt")
    expect(number).to_be_focused()
    expect(number).to_have_accessible_description(re.compile("Fødselsnummeret må ha 11 siffer"))
    page.keyboard.type(NORA.national_id)
    tab_to(page, page.get_by_label("Etternavnet til den som skal få fullmakt"))
    page.keyboard.type("Lind")
    press(page, page.get_by_role("button", name="Gi fullmakt"))
    expect(page.get_by_text("Fullmakten er gitt.")).to_be_focused()

    # Ending it: the question takes the button's place and the focus; "Avbryt" brings the focus back.
    end = page.get_by_role("button", name="Avslutt fullmakten for Nora Lind")
    press(page, end)
    question = page.get_by_text("Vil du avslutte fullmakten for Nora Lind?")
    expect(question).to_be_focused()
    press(page, page.get_by_role("button", name="Avbryt"))
    expect(end).to_be_focused()
    page.keyboard.press("Enter")
    expect(question).to_be_focused()
    press(page, page.get_by_role("button", name="Ja, avslutt fullmakten"))
    expect(page.get_by_text("Fullmakten er avsluttet.")).to_be_focused()
    expect(end).to_have_count(0)


@pytest.fixture
def ingrids_set_up_kept(portal_database: Engine) -> Iterator[None]:
    """What Ingrid had set up comes back afterwards (the cast's "all notifications")."""
    with Session(portal_database) as db:
        before = db.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == person(db, INGRID).id)
        ).first()
        kept = before.model_dump() if before else None
    yield
    with Session(portal_database) as db:
        now = db.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == person(db, INGRID).id)
        ).first()
        if now is not None and kept is not None:
            for name, value in kept.items():
                setattr(now, name, value)
            db.add(now)
            db.commit()


def test_ingrid_changes_her_notification_set_up_with_the_keyboard(
    page: Page, portal_database: Engine, ingrids_set_up_kept: None
) -> None:
    log_in_with_the_keyboard(page, INGRID)
    # The profile menu is a disclosure: Enter opens it.
    press(page, page.get_by_role("banner").locator("summary", has_text=INGRID.full_name))
    press(page, page.get_by_role("link", name="Kontaktinformasjon og varseloppsett"))
    expect(page.get_by_role("heading", level=1, name="Kontaktinformasjon og varseloppsett")).to_be_visible()

    mobile = page.get_by_label("Mobilnummer")
    tab_to(page, mobile)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("55 12 34 56")  # a landline
    press(page, page.get_by_role("button", name="Lagre"))
    expect(mobile).to_be_focused()
    expect(mobile).to_have_accessible_description(re.compile("Dette er ikke et mobilnummer"))

    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("912 34 567")
    # The level: Tab into the group, the arrow keys choose.
    standard = page.get_by_label("Standard", exact=True)
    tab_to(page, page.get_by_label(re.compile("^Alle varsler"), exact=False).first)
    page.keyboard.press("ArrowUp")
    expect(standard).to_be_checked()
    press(page, page.get_by_role("button", name="Lagre"))
    expect(page.get_by_text(re.compile("^Lagret: Standard"))).to_be_visible()
    with Session(portal_database) as db:
        saved = db.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == person(db, INGRID).id)
        ).one()
        assert saved.level == NotificationLevel.STANDARD
