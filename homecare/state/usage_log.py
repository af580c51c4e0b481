"""State of the usage log page: who used the subject's data, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from homecare.domain.usage import UsageOutcome
from homecare.i18n.formatting import format_moment
from homecare.services.access import Access
from homecare.services.usage_log import UsageAction, UsageLogLine, newest_entry_id, usage_log_page
from homecare.state.session import SessionState

PAGE_SIZE = 20


@dataclass
class LogRow:
    """One entry in the reader's language."""

    when: str
    who: str
    what: str
    refused: bool


class UsageLogState(SessionState):
    """Reading someone else's log is itself written to their log."""

    rows: list[LogRow] = []  # noqa: RUF012 - Reflex copies state defaults
    page: int = 0
    total: int = 0
    loaded: bool = False

    _up_to_id: int = 0

    @rx.event
    def load(self):
        self.reset()
        return self._show_page(first=True)

    @rx.event
    def next_page(self):
        if (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
        return self._show_page()

    @rx.event
    def previous_page(self):
        self.page = max(self.page - 1, 0)
        return self._show_page()

    def _show_page(self, *, first: bool = False):
        def work(db: Session, access: Access) -> None:
            if first:
                self._up_to_id = newest_entry_id(db, access.subject_id)
            lines, self.total = usage_log_page(
                db, access.subject_id, up_to_id=self._up_to_id, page=self.page, page_size=PAGE_SIZE
            )
            self.rows = [self._row(line) for line in lines]
            self.loaded = True

        return self._with_access(UsageAction.READ_USAGE_LOG, work)

    def _row(self, line: UsageLogLine) -> LogRow:
        who = line.actor_name or self._tr("usage_log.system")
        what_key = f"usage_log.action.{line.action}"
        what = self._tr(what_key) if what_key in self.text else line.action
        return LogRow(
            when=format_moment(line.at, self.lang),
            who=who,
            what=what,
            refused=line.outcome is not UsageOutcome.OK,
        )

    @rx.var
    def page_text(self) -> str:
        pages = max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return self._tr("usage_log.page", page=self.page + 1, pages=pages)

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total
