"""Whose identity a viewer may see on an instance's records: runtime and historic tasks, comments.

The generic back office shows every identity. A domain hides some by registering identity policies
(`Extensions.identity_policies`): `factory(session, viewer)` returns an object with
`shows(instance_id, user_id) -> bool` and `may_probe(user_id) -> bool` (may a query filter naming that
user be answered at all: counting matches would reveal what the rows hide). The consortium registers
`ReviewerSecrecy` (experts' names hidden until their round's results are published).

The policies come with the session: `Context.unit_of_work` puts the context's extensions into
`session.info[EXTENSIONS]`, so the named queries (store/tasks.py, store/history.py) need no extra
argument. A session made outside a context carries no policy and hides nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ...actors import Actor

EXTENSIONS = "extensions"  # session.info key: the Extensions registry of the context that opened it


class IdentityVisibility:
    """Every registered policy for one viewer within one session; an identity shows if all agree."""

    def __init__(self, session: Session, viewer: Actor) -> None:
        extensions: Any = session.info.get(EXTENSIONS)
        factories = getattr(extensions, "identity_policies", ()) if extensions is not None else ()
        self._policies = [factory(session, viewer) for factory in factories]

    def shows(self, instance_id: str | None, user_id: str | None) -> bool:
        """Whether the viewer may see that `user_id` holds, held or may take work on `instance_id`."""
        return user_id is None or all(p.shows(instance_id, user_id) for p in self._policies)

    def shown(self, instance_id: str | None, user_id: str | None) -> str | None:
        """`user_id` if the viewer may see it on `instance_id`, else None (what the edges render)."""
        return user_id if self.shows(instance_id, user_id) else None

    def may_probe(self, user_id: str | None) -> bool:
        """Whether a query filter naming `user_id` (assignee=, candidateUser=…) may be answered."""
        return user_id is None or all(p.may_probe(user_id) for p in self._policies)
