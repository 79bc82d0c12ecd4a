"""The role board: who holds each role since when, and which roles nobody holds.

The playbook's four roles come first, then the team's configured extras. A vacant role says
`VACANT` with a warning symbol (not colour alone); a vacant Incident Commander is louder still,
because "everyone knowing who's IC at any moment is not optional". While an IC handoff waits
for the incoming person's ack, the IC's cell says so: `alice → bob (pending ack)`.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from warroom.domain.incident import IncidentState
from warroom.domain.roles import IC, SCRIBE, role_names
from warroom.sanitize import clean
from warroom.ui.widgets.focus_mark import FocusMarked
from warroom.ui.widgets.timeline_text import fit_cells

#: Short names so two columns fit at 80 wide; the help screen spells them out.
SHORT_ROLE = {IC: "IC", "Tech Lead": "Tech Lead"}
CELL_WIDTH = 38


class RoleBoard(FocusMarked, Widget, can_focus=True):
    """Roles, holders and since-when; one or more columns depending on its width."""

    ALLOW_MAXIMIZE = True
    #: The folded incident whose roles are shown (bound from the screen).
    incident: var[IncidentState | None] = var(None, always_update=True)
    COMPONENT_CLASSES = {
        "roles--name",
        "roles--holder",
        "roles--since",
        "roles--vacant",
        "roles--no-ic",
        "roles--pending",
    }
    DEFAULT_CSS = """
    RoleBoard {
        height: auto;
        background: $surface;
        padding: 0 1;
        & > .roles--name { color: $text-muted; }
        & > .roles--holder { color: $foreground; text-style: bold; }
        & > .roles--since { color: $wr-time; }
        & > .roles--vacant { color: $wr-vacant; text-style: bold; }
        & > .roles--no-ic { color: $wr-alarm-text; background: $wr-alarm; text-style: bold; }
        & > .roles--pending { color: $wr-vacant; text-style: bold; }
        &:focus { background-tint: $foreground 4%; }
    }
    """

    def __init__(
        self,
        extra_roles: tuple[str, ...] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.extra_roles = tuple(extra_roles)

    @property
    def roles(self) -> list[str]:
        return role_names(self.extra_roles)

    def watch_incident(self, old: IncidentState | None, state: IncidentState | None) -> None:
        """Show the roles as of `state` (repaints only if a role changed)."""
        if state is None or old is None or old.roles != state.roles or old.handoff != state.handoff:
            self.refresh(layout=True)

    def vacant(self) -> list[str]:
        held = self.incident.roles if self.incident is not None else {}
        return [r for r in self.roles if r not in held]

    def _columns(self, width: int) -> int:
        return max(1, min(len(self.roles), width // CELL_WIDTH))

    def get_content_height(self, container, viewport, width: int) -> int:
        columns = self._columns(width)
        return -(-len(self.roles) // columns)

    def _cell(self, role: str, width: int) -> Text:
        get = self.get_component_rich_style
        holder = self.incident.roles.get(role) if self.incident is not None else None
        name_width = 11 if width < 36 else 18
        label = SHORT_ROLE.get(role, role) if width < 36 else role
        cell = Text(fit_cells(label, name_width) + " ", style=get("roles--name"))
        rest = width - name_width - 1
        if holder is not None and role == IC and self.incident is not None and self.incident.handoff is not None:
            cell.append_text(
                self._pending_handoff(
                    holder.person, self.incident.handoff.incoming, since=_since(holder.since), width=rest
                )
            )
        elif holder is not None:
            since = _since(holder.since)
            person_width = max(4, rest - len(since) - 1)
            cell.append(fit_cells(clean(holder.person, cap=200), person_width), get("roles--holder"))
            cell.append(" " + since, get("roles--since"))
        elif role == IC:
            cell.append(fit_cells("⚠ VACANT: /ic NAME", rest), get("roles--no-ic"))
        else:
            word = "○ vacant (optional)" if role == SCRIBE else "⚠ VACANT"
            cell.append(fit_cells(word, rest), get("roles--vacant"))
        return cell

    def _pending_handoff(self, outgoing: str, incoming: str, *, since: str, width: int) -> Text:
        """`alice → bob (pending ack) 14:02`: the IC stays IC until bob acknowledges; the
        longest form that fits (since-when goes first, then words; the arrow and names stay)."""
        get = self.get_component_rich_style
        person, to = clean(outgoing, cap=200), clean(incoming, cap=200)
        forms = [
            (f" → {to} (pending ack)", " " + since),
            (f" → {to} (pending ack)", ""),
            (f" → {to} (pending)", ""),
            (f" → {to} pending", ""),
            (f" → {to}?", ""),
        ]
        for pending, when in forms:
            if cell_len(person + pending + when) <= width:
                break
        text = Text(person, style=get("roles--holder"))
        text.append(pending, get("roles--pending"))
        if when:  # since-when at the cell's right edge, as the other holders' are
            text.append(" " * (width - text.cell_len - len(when)))
            text.append(when, get("roles--since"))
        text.truncate(width, overflow="ellipsis", pad=True)
        return text

    def render(self) -> Text:
        width = self.content_region.width or self.size.width or 40
        columns = self._columns(width)
        cell_width = (width - (columns - 1) * 2) // columns
        roles = self.roles
        rows = -(-len(roles) // columns)
        lines: list[Text] = []
        for r in range(rows):
            line = Text()
            for c in range(columns):
                i = c * rows + r  # fill down each column first, so the playbook's order reads down
                if i >= len(roles):
                    continue
                if c:
                    line.append("  ")
                line.append_text(self._cell(roles[i], cell_width))
            lines.append(line)
        return Text("\n").join(lines)


def _since(when: datetime) -> str:
    return when.strftime("%H:%M")
