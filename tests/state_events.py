"""Running a page state's event handlers in the test's process, as a browser's event would run them."""

from __future__ import annotations

import asyncio

from reflex.state import State

from homecare import routes


def page_state(state_class: type, token: str, address: str = "203.0.113.5") -> object:
    root = State(_reflex_internal_init=True)
    root._update_router_vars(
        {"headers": {"cookie": f"hc_session={token}"}, "pathname": routes.MY_PAGE, "ip": address}, {}
    )
    return root.get_substate(state_class.get_full_name().split("."))


def run(state: object, handler: str, *arguments: object) -> None:
    result = type(state).event_handlers[handler].fn(state, *arguments)  # type: ignore[attr-defined]
    if asyncio.iscoroutine(result):
        asyncio.run(result)
