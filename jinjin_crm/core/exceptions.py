"""The one application error type. Services raise it; the API and pages turn it into responses."""


class ApplicationError(Exception):
    """A refusal the caller can act on: bad input beyond field validation, a conflict, a rule.

    ``attr`` names the field it is about (None for the whole request); ``code`` is stable for
    machines, the message is for people.
    """

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, attr: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.attr = attr


class IllegalTransition(ApplicationError):
    """A stage change the lifecycle does not allow from where the record is now."""

    status_code = 409
    default_code = "illegal_transition"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"


def illegal_move(
    message: str, *, current: str, to: str, choices, transitions: dict, attr: str
) -> IllegalTransition:
    """The refusal of a move a lifecycle does not allow: ``message`` (with ``%(from)s``, ``%(to)s`` and
    ``%(allowed)s``) filled in with the labels of ``choices`` (a ``TextChoices``) and the moves
    ``transitions`` allows from ``current``."""
    from django.utils.translation import gettext

    labels = dict(choices.choices)
    allowed = "、".join(str(labels[state]) for state in transitions.get(current, ())) or gettext(
        "none (closed)"
    )
    return IllegalTransition(
        message % {"from": labels.get(current, current), "to": labels.get(to, to), "allowed": allowed},
        attr=attr,
    )
