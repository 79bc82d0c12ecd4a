"""What is wrong with a config file: each problem names the file, the line and the key."""

from __future__ import annotations

from warroom.errors import UserError
from warroom.records import Record, record


@record
class ConfigProblem(Record):
    """One thing wrong with `warroom.toml`.

    `fatal` problems stop the file from loading. The others (an `${ENV}` reference to a variable
    that is not set right now) are reported by `warroom config check` but do not stop loading:
    the variable may be set where the value is used, and its absence is reported there too.
    A `warning` (a `[runbooks]` folder not on this machine) is printed by `config check` but does
    not fail it: the same file is valid on the host that has the folder.
    """

    file: str
    line: int | None
    message: str  # "[[probe]] #2 \"search\": key 'expect_staus' is unknown; ..."
    fatal: bool = True
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ConfigError(UserError):
    """The config file cannot be loaded; the message is its first fatal problem."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        fatal = [p for p in problems if p.fatal] or problems
        more = len(fatal) - 1
        suffix = f" (and {more} more: run `warroom config check`)" if more > 0 else ""
        super().__init__(f"{fatal[0]}{suffix}")
        self.problems = list(problems)
