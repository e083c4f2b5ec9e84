"""Error reporting to Sentry, with personal data removed before anything leaves the process.

`init_sentry()` is called by the composition root, from inside the running event loop
(`async def main()`), so that the asyncio integration can hook the loop and report
exceptions of tasks nobody awaited. `scrub_event` is the `before_send` hook: the user
is reduced to an id, and names, usernames, phones, message texts and tokens are removed
from every part of the event (extra, contexts, breadcrumbs, request, exception values,
stack-frame local variables, source lines).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import importlib.metadata
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, cast

import sentry_sdk
from pydantic import SecretStr
from sentry_sdk.integrations import Integration
from sentry_sdk.integrations.asyncio import AsyncioIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from bot.logging import SENSITIVE_KEYS, scrub_value

if TYPE_CHECKING:
    from sentry_sdk.transport import Transport
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

__all__ = [
    "SENTRY_SENSITIVE_KEYS",
    "bind_update_context",
    "get_release",
    "init_sentry",
    "scrub_breadcrumb",
    "scrub_event",
    "update_scope",
]

#: What the log masking removes, plus identity fields Sentry itself collects.
SENTRY_SENSITIVE_KEYS: Final[frozenset[str]] = SENSITIVE_KEYS | {
    "username",
    "email",
    "ip_address",
    "contact",
    "vcard",
    "cookie",
    "cookies",
    "authorization",
    "x-telegram-bot-api-secret-token",
}

# The local variables of these libraries' frames are statements' parameters (user texts)
# and connection internals: their frames keep the code position, lose the variables.
_DATABASE_MODULES: Final = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3", "psycopg", "alembic")

# Parts of an incoming HTTP request (the Telegram webhook) that are the update itself.
_REQUEST_BODY_KEYS: Final = ("data", "cookies", "query_string")
_FILTERED: Final = "[Filtered]"

# Keys of a structlog event dict that Sentry already has in its own fields.
_STRUCTLOG_META: Final = frozenset(
    {
        "event",
        "timestamp",
        "level",
        "logger",
        "exc_info",
        "stack_info",
        "_record",
        "_from_structlog",
    }
)


def get_release() -> str:
    """`zavhoz@<installed version>`, or `zavhoz@0.0.0` when the package is not installed."""
    try:
        version = importlib.metadata.version("zavhoz")
    except importlib.metadata.PackageNotFoundError:
        version = "0.0.0"
    return f"zavhoz@{version}"


def _jsonable(value: Any) -> Any:
    """Plain JSON types only: Sentry serialises the event *before* `before_send`."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


def _structlog_event(hint: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The structlog event dict behind a stdlib record, if this record came from structlog.

    `ProcessorFormatter.wrap_for_formatter` puts the event dict into `record.msg`, so
    Sentry would otherwise title the issue with the dict's repr (timestamp included:
    one new issue per occurrence).
    """
    record = (hint or {}).get("log_record")
    msg = getattr(record, "msg", None)
    if isinstance(msg, dict) and "event" in msg:
        return msg
    return None


def _split_structlog_event(event_dict: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    message = str(event_dict.get("event", ""))
    data = {k: v for k, v in event_dict.items() if k not in _STRUCTLOG_META}
    return message, data


def _scrub_request(request: Any) -> Any:
    if not isinstance(request, dict):
        return request
    for key in _REQUEST_BODY_KEYS:
        if request.get(key):
            request[key] = _FILTERED
    return request


def scrub_event(event: Event, hint: Hint) -> Event | None:
    """`before_send` hook: keep the user id only, remove personal data everywhere else."""
    data = cast(dict[str, Any], event)

    structlog_event = _structlog_event(hint)
    if structlog_event is not None:
        message, fields = _split_structlog_event(structlog_event)
        data["logentry"] = {"message": message, "formatted": message, "params": []}
        extra = data.get("extra")
        data["extra"] = {**(extra if isinstance(extra, dict) else {}), **_jsonable(fields)}

    user = data.get("user")
    if isinstance(user, Mapping) and user.get("id") is not None:
        data["user"] = {"id": user["id"]}
    else:
        data.pop("user", None)

    if "request" in data:
        data["request"] = _scrub_request(data["request"])
    _drop_database_frame_vars(data)

    for key, value in data.items():
        if key != "user":
            data[key] = scrub_value(value, SENTRY_SENSITIVE_KEYS)
    return cast("Event", data)


def _drop_database_frame_vars(data: dict[str, Any]) -> None:
    exception = data.get("exception")
    values = exception.get("values") if isinstance(exception, Mapping) else None
    stacks = [v.get("stacktrace") for v in values or () if isinstance(v, Mapping)]
    for thread in (data.get("threads") or {}).get("values") or ():
        if isinstance(thread, Mapping):
            stacks.append(thread.get("stacktrace"))
    for stack in stacks:
        for frame in (stack or {}).get("frames") or ():
            module = str(frame.get("module") or "")
            if module.split(".", 1)[0] in _DATABASE_MODULES:
                frame.pop("vars", None)


def scrub_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb | None:
    """`before_breadcrumb` hook: structlog events become "event name + data", then masked."""
    data: dict[str, Any] = crumb
    structlog_event = _structlog_event(hint)
    if structlog_event is not None:
        message, fields = _split_structlog_event(structlog_event)
        data["message"] = message
        data["data"] = _jsonable(fields)
    return cast("Breadcrumb", scrub_value(data, SENTRY_SENSITIVE_KEYS))


def _running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def init_sentry(
    dsn: str | SecretStr | None,
    environment: str,
    release: str | None = None,
    transport: Transport | None = None,
) -> bool:
    """Start the Sentry client; a no-op returning False when no DSN is configured.

    Personal data is never sent: Sentry's default-PII collection stays off and every
    event and breadcrumb goes through `scrub_event` / `scrub_breadcrumb`.
    `release` defaults to `get_release()`. `transport` replaces the HTTP transport
    (tests pass one that records envelopes). Call it from inside the running event
    loop: only then is the asyncio integration enabled.
    """
    if isinstance(dsn, SecretStr):
        dsn = dsn.get_secret_value()
    if not dsn:
        return False

    integrations: list[Integration] = [
        LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
    ]
    if _running_loop():
        integrations.append(AsyncioIntegration())

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or get_release(),
        integrations=integrations,
        # PII stays off: `send_default_pii` defaults to False. It is not passed explicitly
        # because sentry-sdk 2.7x deprecates the option (DeprecationWarning) in favour of
        # `data_collection`, which older 2.x releases allowed by pyproject do not know,
        # and which would also switch off the SDK's own EventScrubber.
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # Webhook bodies are Telegram updates: texts, names, phones.
        max_request_body_size="never",
        transport=transport,
    )
    return True


def bind_update_context(update_id: int, user_id: int | None, handler: str | None = None) -> None:
    """Tag the events of the update being handled (update id, handler, user id).

    Writes to the current isolation scope, which the asyncio integration (one per task,
    i.e. per update in polling) or the aiohttp integration (one per webhook request)
    forks. Returns at once when Sentry is off.
    """
    if not sentry_sdk.get_client().is_active():
        return
    sentry_sdk.set_tag("update_id", str(update_id))  # tags are strings in Sentry
    if handler is not None:
        sentry_sdk.set_tag("handler", handler)
    if user_id is not None:
        sentry_sdk.set_user({"id": user_id})


def update_scope() -> contextlib.AbstractContextManager[Any]:
    """A fresh Sentry isolation scope for one update, or nothing when Sentry is off.

    What `bind_update_context` writes inside it is dropped when the block ends, so one
    update's user and tags never leak into the next one handled by the same task.
    """
    if sentry_sdk.get_client().is_active():
        return sentry_sdk.isolation_scope()
    return contextlib.nullcontext()
