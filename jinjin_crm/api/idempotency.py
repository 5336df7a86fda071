"""``Idempotency-Key`` on POSTs (DESIGN §5): a POST that a park system retries is executed once.

A POST with the header runs once per (principal, key). Guarantees:

- a repeat with the same method, path and body gets the first response again, same status and body,
  with ``Idempotent-Replayed: true``;
- the same key on a different request is refused: 422 ``idempotency_key_reused``;
- a repeat while the first is still running is refused: 409 ``idempotency_key_in_progress``;
- a response of 500 or above is not stored, so the key can be retried;
- the request's writes and its stored response commit in one transaction: after a crash either both
  exist (a retry is replayed) or neither (a retry runs, once the claim is taken as abandoned);
- records last a day (``RECORD_TTL``); ``api.idempotency_prune`` deletes them afterwards.

The v1 router mixes ``IdempotencyMixin`` into every viewset it registers (``idempotent``), so domain
apps, which may not import the api app, get it without knowing about it.
"""

import hashlib
import inspect
import json
import sys
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.utils.encoders import JSONEncoder

from jinjin_crm.core.exceptions import ApplicationError

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
RECORD_TTL = timedelta(hours=24)
# A claim still unanswered after this long belongs to a request that died (worker killed, timeout):
# its writes were rolled back with it, so the key may run again. Well above gunicorn's timeout.
ABANDONED_AFTER = timedelta(minutes=5)


class IdempotencyKeyInvalid(ApplicationError):
    default_code = "idempotency_key_invalid"


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(ApplicationError):
    status_code = 409
    default_code = "idempotency_key_in_progress"


# --- Records --------------------------------------------------------------------------------------


def principal_of(user) -> str | None:
    """``client:<id>`` for a park system, ``user:<id>`` for a person, None for anonymous callers."""
    client = getattr(user, "client", None)
    if client is not None:
        return f"client:{client.pk}"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class _FingerprintEncoder(JSONEncoder):
    def default(self, obj):
        if isinstance(obj, UploadedFile):
            digest = hashlib.sha256()
            for chunk in obj.chunks():
                digest.update(chunk)
            obj.seek(0)
            return {"file": obj.name, "sha256": digest.hexdigest()}
        return super().default(obj)


def request_fingerprint(request) -> str:
    """A hash of the method, path with query and parsed body: equal for the same request however its
    JSON keys are ordered or spaced."""
    data = request.data
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    canonical = json.dumps(
        [request.method, request.get_full_path(), data],
        cls=_FingerprintEncoder,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_begin(*, principal: str, key: str, fingerprint: str) -> IdempotencyRecord:
    """Claim ``key`` for a new request, or find the finished one to replay.

    Returns a record that is either unfinished (claimed now, by this caller) or complete (replay it).
    Raises ``IdempotencyKeyReused`` or ``IdempotencyKeyInProgress``. The claim is committed at once
    so a concurrent duplicate sees it.
    """
    now = timezone.now()
    fresh = {
        "fingerprint": fingerprint,
        "started_at": now,
        "expires_at": now + RECORD_TTL,
        "response_status": None,
        "response_content_type": "",
        "response_body": "",
    }
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(principal=principal, key=key, **fresh)
    except IntegrityError:
        pass
    with transaction.atomic():
        record, _created = IdempotencyRecord.objects.select_for_update().get_or_create(
            principal=principal, key=key, defaults=fresh
        )
        if _created:  # pruned between the two statements
            return record
        expired = record.expires_at <= now
        abandoned = not record.is_complete and record.started_at <= now - ABANDONED_AFTER
        if expired or (abandoned and record.fingerprint == fingerprint):
            for name, value in fresh.items():
                setattr(record, name, value)
            record.save()
            return record
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                _("This Idempotency-Key was already used for a different request; use a new key."),
            )
        if not record.is_complete:
            raise IdempotencyKeyInProgress(
                _("A request with this Idempotency-Key is still in progress; retry later."),
            )
        return record


def idempotency_complete(*, record: IdempotencyRecord, status: int, content_type: str, body: str) -> None:
    """Store the response of a claimed key, for replays."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=status, response_content_type=content_type, response_body=body
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Give up an unfinished claim, so the key can be retried at once."""
    IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def idempotency_records_prune(*, now=None) -> int:
    """Delete every record whose day has passed; returns how many were deleted."""
    deleted, _per_model = IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- Views ----------------------------------------------------------------------------------------


class _Replay(Exception):
    """Control flow, not an error: carries the stored response to ``handle_exception``."""

    def __init__(self, record: IdempotencyRecord):
        super().__init__(record.key)
        self.record = record


def _valid_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid(
            _("The Idempotency-Key header must be 1 to %(max)d printable characters.")
            % {"max": MAX_KEY_LENGTH}
        )
    return key


class IdempotencyMixin:
    """Honours ``Idempotency-Key`` on the view's POSTs (see the module docstring).

    The claim is made after authentication, permissions and throttling, so a refused caller claims
    nothing. The handler then runs inside a transaction that ``finalize_response`` closes.
    """

    _idempotency_record = None
    _idempotency_atomic = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        value = request.headers.get(HEADER)
        if value is None or request.method != "POST" or not hasattr(self, "post"):
            return
        principal = principal_of(request.user)
        if principal is None:
            return
        key = _valid_key(value)
        record = idempotency_begin(principal=principal, key=key, fingerprint=request_fingerprint(request))
        if record.is_complete:
            raise _Replay(record)
        self._idempotency_record = record
        self._idempotency_atomic = transaction.atomic()
        self._idempotency_atomic.__enter__()

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            response = HttpResponse(
                record.response_body, status=record.response_status, content_type=record.response_content_type
            )
            response[REPLAYED_HEADER] = "true"
            return response
        try:
            return super().handle_exception(exc)
        except BaseException:
            self._idempotency_abort(sys.exc_info())
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency_record is not None:
            self._idempotency_finish(response)
        return response

    def _idempotency_finish(self, response) -> None:
        if response.status_code >= 500:
            self._idempotency_abort((None, None, None))
            return
        record, atomic = self._idempotency_record, self._idempotency_atomic
        try:
            if hasattr(response, "render"):
                response.render()
            idempotency_complete(
                record=record,
                status=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=response.content.decode(response.charset),
            )
        except BaseException:
            self._idempotency_abort(sys.exc_info())
            raise
        self._idempotency_record = self._idempotency_atomic = None
        try:
            atomic.__exit__(None, None, None)
        except BaseException:
            idempotency_release(record=record)
            raise

    def _idempotency_abort(self, exc_info) -> None:
        """Roll the request's writes back and release the key."""
        record, atomic = self._idempotency_record, self._idempotency_atomic
        if record is None:
            return
        self._idempotency_record = self._idempotency_atomic = None
        if exc_info[0] is None:
            transaction.set_rollback(True)
        atomic.__exit__(*exc_info)
        idempotency_release(record=record)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Makes the POST safe to retry: run once per key and caller for 24 hours. A repeat with the same "
        "body gets the first response again (with `Idempotent-Replayed: true`); the key with another "
        "body is refused with 422 `idempotency_key_reused`, and while the first is running with 409 "
        "`idempotency_key_in_progress`. Responses of 500 and above are not kept."
    ),
)


class IdempotencyKeySchema:
    """Documents the header on every POST of the view (mixed into the view's own schema class)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            return [*parameters, IDEMPOTENCY_PARAMETER]
        return parameters


def idempotent(viewset, *mixins):
    """``viewset`` with ``IdempotencyMixin`` (and any other ``mixins``), its POSTs documented with the
    header."""
    schema_class = type(viewset.schema)
    schema = type(f"Idempotent{schema_class.__name__}", (IdempotencyKeySchema, schema_class), {})
    return type(
        viewset.__name__,
        (*mixins, IdempotencyMixin, viewset),
        {
            "__module__": viewset.__module__,
            "__qualname__": viewset.__qualname__,
            # Its own description, as the schema showed it before (else the mixin's would show).
            "__doc__": inspect.getdoc(viewset),
            "schema": schema(),
        },
    )
