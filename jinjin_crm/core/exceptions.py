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
