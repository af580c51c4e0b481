"""Moving the focus after an event, for the pages whose content changes under the person's hands.

A button that opens a step or a confirmation disappears with it, and a form sent with mistakes is answered
at its fields: without a move the focus would fall back to the top of the page (or stay on the button),
and a screen reader would not read what changed. The page shows `FocusRequest` (components/document.py)
with these two vars; each `_focus` moves the focus once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import reflex as rx


class FocusMixin(rx.State, mixin=True):
    """Where the focus goes next: an element's id, and a number that changes with each request."""

    focus_target: str = ""
    focus_request: int = 0

    def _focus(self, element_id: str) -> None:
        self.focus_target = element_id
        self.focus_request += 1

    def _focus_first_problem(self, problems: Mapping[str, str], fields: Sequence[tuple[str, str]]) -> None:
        """To the first of the form's fields (name, element id; in the form's order) that has a problem.
        The field names its problem (aria-describedby), so a screen reader reads the two together."""
        for name, element_id in fields:
            if problems.get(name):
                self._focus(element_id)
                return
