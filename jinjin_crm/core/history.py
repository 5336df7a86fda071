"""Who django-simple-history records as the author of a change."""

from django.contrib.auth import get_user_model


def history_user(request=None, **kwargs):
    """The signed-in person behind the request, or None.

    A park system's API client is authenticated too, but it is not a User and cannot be the
    history row's author; its changes are recorded without one (the API client is in the access
    log of the API). Every HistoricalRecords in the project passes this as ``get_user``.
    """
    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None
