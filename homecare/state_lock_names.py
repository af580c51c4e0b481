"""Each backend worker's own name in Reflex's Redis lock bookkeeping.

With the opportunistic lock (`REFLEX_OPLOCK_ENABLED`), a worker that takes a page's state keeps it, and its
Redis lock, for the hold time, and answers the page's events meanwhile from memory. A worker that needs the
state adds its name to the lock's set of waiters; Redis tells the holder (a keyspace notification), which
finishes the event it is on, writes the state and lets it go.

Reflex names its Redis state manager when the app is imported, and it imports the app in the server's
supervisor process before the workers are forked from it, so every worker had the same name. When two
workers waited for one page's state, the first to get it took their shared name out of the set, and the
other's claim with it. Seeing nobody waiting, the first then held the state for the whole hold time while
the other worker's event waited. An upload stood that long, and the browser dropped a second file chosen
meanwhile. Reflex gives its token manager a new name in each worker for this reason
(`App._setup_event_processor`), but not its state manager.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from reflex.istate.manager import StateManager
from reflex.istate.manager.redis import StateManagerRedis


class HasStateManager(Protocol):
    @property
    def state_manager(self) -> StateManager: ...


def own_lock_name(app: HasStateManager) -> None:
    """A lifespan task: in each worker as it starts, before it takes any event, a name of its own."""
    manager = app.state_manager
    if isinstance(manager, StateManagerRedis):
        manager._instance_id = str(uuid.uuid4())
