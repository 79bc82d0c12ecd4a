"""The mitigation options as a list grouped in the playbook's order, under the playbook's words.

    Roll back the last deploy → Roll back. Now. Root-cause from the rolled-back diff.
      ◆ Roll back payments 4f2a91c (deployed 13 min before detection)
          git revert --no-edit 4f2a91c0d3b7e6a5f4c3b2a1908f7e6d5c4b3a29
    Flip a feature flag → Flip it off
        nothing configured: add a [[mitigation]] with kind = "flag" to warroom.toml
    ...

Group headings and the "nothing configured" lines are disabled options: the cursor skips them
and Enter cannot select them. Every prompt is `Content` (a str would be read as markup, and
names, commands and commit subjects come from config and git). Which options exist and in which
order is the domain's (`domain.mitigation.mitigation_options`); this only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.mitigation import (
    MITIGATION_KINDS,
    ORIGIN_SUSPECT,
    MitigationOption,
    kind_advice,
    kind_option,
    kind_rank,
)
from warroom.redact import redact_argv
from warroom.sanitize import clean

HEADING_STYLE = "bold $text-accent"
SUSPECT_STYLE = "bold $text-warning"
MUTED_STYLE = "$text-muted"


def shown_command(option: MitigationOption) -> str:
    """The command as shown before it runs: the argv shell-quoted, secrets hidden (`${ENV}`
    references stay as written: they are expanded only when the command runs)."""
    import shlex

    if not option.argv:
        return option.command
    return shlex.join(redact_argv(option.argv)[0])


def shown_capture(option: MitigationOption) -> str:
    import shlex

    return shlex.join(redact_argv(option.capture_argv)[0]) if option.capture_argv else ""


def nothing_configured(kind: str) -> str:
    """What a kind with no entry says: how to add one."""
    return f'nothing configured: add a [[mitigation]] with kind = "{kind}" (name, argv) to warroom.toml'


def option_prompt(option: MitigationOption) -> Content:
    """An option: its title (the suspect's offer, or the entry's name), then its command."""
    suspect = option.origin == ORIGIN_SUSPECT
    head = Content.assemble(("  ◆ " if suspect else "  • ", SUSPECT_STYLE if suspect else MUTED_STYLE))
    title = Content.styled(clean(option.title, cap=200), "bold" if suspect else "")
    command = clean(shown_command(option), cap=400)
    if option.not_runnable:
        below = Content.styled(f"      cannot run: {clean(option.not_runnable, cap=200)}", MUTED_STYLE)
    else:
        below = Content.assemble(("      $ ", MUTED_STYLE), command)
    lines = [head + title, below]
    if option.capture_argv:
        lines.append(
            Content.assemble(("      captures state first: ", MUTED_STYLE), clean(shown_capture(option), cap=300))
        )
    return Content("\n").join(lines)


def heading(kind: str) -> Content:
    """A group's heading: the playbook's "If you can…" and its "Do"."""
    return Content.assemble((kind_option(kind), HEADING_STYLE), (f" → {kind_advice(kind)}", MUTED_STYLE))


class MitigationList(OptionList):
    """The options, grouped by kind in the playbook's order; `option_for(id)` finds one."""

    DEFAULT_CSS = """
    MitigationList { height: 1fr; border: round $primary 40%; padding: 0 1; }
    MitigationList:focus { border: heavy $primary; }
    """

    def __init__(self, options: Sequence[MitigationOption], *, id: str | None = None) -> None:
        self.mitigations = list(options)
        self._by_id: dict[str, MitigationOption] = {}
        super().__init__(*self._build(), id=id)

    def _build(self) -> list[Option]:
        out: list[Option] = []
        kinds = list(MITIGATION_KINDS) + sorted({o.kind for o in self.mitigations} - set(MITIGATION_KINDS))
        for kind in kinds:
            out.append(Option(heading(kind), disabled=True))
            mine = [o for o in self.mitigations if o.kind == kind]
            if not mine:
                out.append(Option(Content.styled(f"    {nothing_configured(kind)}", MUTED_STYLE), disabled=True))
            for n, option in enumerate(mine):
                option_id = f"{kind_rank(kind)}-{n}"
                self._by_id[option_id] = option
                out.append(Option(option_prompt(option), id=option_id))
        return out

    def option_for(self, option_id: str | None) -> MitigationOption | None:
        return self._by_id.get(option_id or "")

    @property
    def selected_option(self) -> MitigationOption | None:
        """The highlighted option (None on nothing)."""
        index = self.highlighted
        if index is None:
            return None
        return self.option_for(self.get_option_at_index(index).id)

    def highlight_first(self) -> None:
        """Put the cursor on the first option that can be chosen (the nearest suspect, if any)."""
        for index in range(self.option_count):
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return
