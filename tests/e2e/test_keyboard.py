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
from homecare.domain.visits import DEFAULT_CANCEL_CUTOFF, VisitStatus
from homecare.models import CitizenEvent, HomeVisit, Message
from homecare.services.demo_cast import INGRID, KARI
from tests.e2e.scenes import ensure_grant, give_consent
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


def test_ingrid_logs_in_acts_for_kari_and_replies_with_the_keyboard_only(
    page: Page, portal_database: Engine
) -> None:
    page.goto(routes.HOME)
    press(page, page.get_by_role("main").get_by_role("link", name="Logg inn"))
    expect(page.get_by_role("heading", name="Utviklingsinnlogging")).to_be_visible()
    press(page, page.get_by_role("button", name=INGRID.full_name))
    expect(page.get_by_role("heading", level=1, name=f"Hei, {INGRID.full_name}")).to_be_visible()

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
    page.goto(routes.HOME)
    press(page, page.get_by_role("main").get_by_role("link", name="Logg inn"))
    press(page, page.get_by_role("button", name=KARI.full_name))
    expect(page.get_by_role("heading", level=1, name=f"Hei, {KARI.full_name}")).to_be_visible()
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
