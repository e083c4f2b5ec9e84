"""A fake Telegram Bot API server for process-level tests.

A real `python -m bot` subprocess (or an aiogram `Bot` in the test process) is pointed at
it with `TELEGRAM_API_URL=http://127.0.0.1:<port>`; aiogram then calls
`POST {url}/bot{token}/{method}` and downloads files from `{url}/file/bot{token}/{path}`.

    async with FakeBotAPI(token) as api:
        api.push_update({"message": {...}})
        call = await api.wait_for("sendMessage", lambda p: p["chat_id"] == 42)
        assert "Заявка" in call.params["text"]

What it models, and where it is stricter than a stub on purpose:

* aiogram sends every parameter as a form field; plain strings travel raw and everything
  else (numbers, booleans, `reply_markup`, `media`, ...) JSON-encoded. The server decodes
  those back, so `call.params["chat_id"]` is an `int` and `call.params["reply_markup"]`
  a `dict`. A JSON request body is accepted too.
* `getUpdates` follows Telegram: it returns the queued updates whose `update_id` is at
  least `offset` (aiogram asks for `last_update_id + 1`), forgets the ones below it, and
  long-polls for at most one second when the queue is empty.
* Sent messages are well-formed `Message` objects, stored so that edits work and an edit
  that changes nothing answers "message is not modified", as Telegram does. Only an inline
  keyboard is echoed back in `Message.reply_markup`: a reply keyboard never is.
* Texts, captions, `parse_mode=HTML` markup and callback data are checked against the
  limits Telegram enforces (4096 characters, 1024 for captions, known tags only, escaped
  `<` and `&`, 64 bytes of callback data), so a missing `html.quote` fails the test.
* Methods it does not know answer 404 "Not Found" (like the real server) unless a result
  is given with `set_result`. Every call, failed or not, is recorded in order.

The server runs inside the test's event loop; call its methods from that loop.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

DEFAULT_TOKEN = "123456789:TEST-fake-bot-api-token"
LONG_POLL_CAP = 1.0  # seconds; getUpdates never blocks longer than this
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# Parameters that are plain text even when they look like JSON ("123", "true").
TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "url",
        "secret_token",
        "ip_address",
        "file_id",
        "photo",
        "document",
        "video",
        "audio",
        "voice",
        "animation",
        "video_note",
        "sticker",
        "thumbnail",
        "title",
        "description",
        "short_description",
        "name",
        "query",
        "emoji",
        "language_code",
        "action",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "address",
        "question",
        "explanation",
        "custom_title",
        "invite_link",
        "payload",
        "currency",
        "start_parameter",
    }
)

# Calls a running bot makes by itself (start-up, polling); see `FakeBotAPI.unconsumed`.
HOUSEKEEPING = frozenset(
    {
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "deleteWebhook",
        "setWebhook",
        "setMyCommands",
        "deleteMyCommands",
        "getMyCommands",
        "setChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
    }
)

# What a Telegram outage fails by default (`FakeBotAPI.start_outage`): what the bot sends.
OUTAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "copyMessage",
    }
)

# Methods that only acknowledge.
_TRUE_METHODS = (
    "answerCallbackQuery",
    "setChatMenuButton",
    "sendChatAction",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMessageReaction",
    "pinChatMessage",
    "unpinChatMessage",
    "unpinAllChatMessages",
    "close",
    "logOut",
)

# Tags Telegram accepts with parse_mode=HTML.
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>[^<>]*)>"
    r"|&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);"
    r"|(?P<bad>[<&])"
)

ERROR_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One recorded request. Unpacks as `(method, params)`."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    status: int = 200
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params))


@dataclass(frozen=True, slots=True)
class _Fault:
    status: int
    description: str
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes


class TelegramApiError(Exception):
    """Raised inside a method handler; becomes the Telegram error JSON."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _bad_request(description: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {description}")


class _Signal:
    """Wakes every waiter when something changes (new call, new update, shutdown)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        event = self._event
        if seconds <= 0:
            return
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
        except TimeoutError:
            pass


def decode_field(key: str, value: str) -> Any:
    """Undo aiogram's encoding of one form field: JSON for everything but plain strings."""
    if key in TEXT_FIELDS or not value:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if isinstance(decoded, str) or (isinstance(decoded, float) and not math.isfinite(decoded)):
        return value
    return decoded


def check_html(text: str) -> None:
    """Reject what Telegram rejects with parse_mode=HTML (a simplified, strict check)."""
    stack: list[str] = []
    for match in _HTML_TOKEN.finditer(text):
        if match.group("bad"):
            raise _bad_request(
                "can't parse entities: unescaped "
                f"{match.group('bad')!r} at byte offset {match.start()}"
            )
        tag = match.group("tag")
        if tag is None:
            continue
        tag = tag.lower()
        if tag not in _HTML_TAGS:
            raise _bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        if match.group("close"):
            if not stack or stack[-1] != tag:
                raise _bad_request(
                    f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
                )
            stack.pop()
        else:
            stack.append(tag)
    if stack:
        raise _bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode()) > MAX_CALLBACK_DATA:
                raise _bad_request("BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise _bad_request("text buttons are unallowed in the inline keyboard")


class FakeBotAPI:
    """A Telegram Bot API double listening on 127.0.0.1 and an ephemeral port."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        username: str = "zavhoz_test_bot",
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.strict_html = strict_html
        bot_id, _, _ = token.partition(":")
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": "ZAVhoz test bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[ApiCall] = []
        self.downloads: list[str] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, Any] = {}
        self.webhook_url: str | None = None
        self.blocked: set[int] = set()
        self.unknown_chats: set[int] = set()
        self._outage: tuple[frozenset[str], _Fault] | None = None
        self._consumed: set[int] = set()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._faults: dict[str, deque[_Fault]] = {}
        self._results: dict[str, Any] = {}
        self._files: dict[str, _StoredFile] = {}
        self._paths: dict[str, _StoredFile] = {}
        self._changed = _Signal()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, Upload]], Any]] = {
            "getMe": lambda p, f: self.bot_user,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "deleteMessage": self._delete_message,
            "getFile": self._get_file,
        }
        for name in _TRUE_METHODS:
            self._handlers[name] = lambda p, f: True
        self._canonical = {name.lower(): name for name in self._handlers}

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL for `TelegramAPIServer.from_base` / `TELEGRAM_API_URL`."""
        if self._port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://{self.host}:{self._port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        self._changed.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------ test controls

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; `update_id` is assigned when absent."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        else:
            taken = int(update["update_id"])
            self._update_ids = itertools.count(
                max(taken + 1, next(self._update_ids)),
            )
        self._remember_chats(update)
        self._updates.append(update)
        self._changed.notify()
        return update

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next call of `method` with a Telegram error (queued per method)."""
        self._faults.setdefault(self._name(method), deque()).append(
            _Fault(status, description, retry_after)
        )

    def set_result(self, method: str, result: Any) -> None:
        """Answer `method` with `result`, or with `result(params)` if it is callable."""
        self._results[self._name(method)] = result

    def add_file(self, file_id: str, data: bytes, file_path: str | None = None) -> str:
        """Make `file_id` known to getFile and its bytes downloadable; returns file_path."""
        path = file_path or f"documents/file_{next(self._file_ids)}"
        stored = _StoredFile(file_id, f"u-{file_id}"[:32], path, data)
        self._files[file_id] = stored
        self._paths[path] = stored
        return path

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    def block(self, chat_id: int) -> None:
        """From now on, sends to `chat_id` fail with 403 "bot was blocked by the user"."""
        self.blocked.add(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """From now on, every call about `chat_id` (`chat_id` or `scope.chat_id`) fails with
        400 "chat not found", as for a person who never opened a private chat with the bot."""
        self.unknown_chats.add(chat_id)

    def start_outage(
        self,
        status: int = 502,
        description: str = "Bad Gateway",
        methods: frozenset[str] = OUTAGE_METHODS,
    ) -> None:
        """Until `end_outage()`, every call of `methods` fails with `status` (a Telegram
        incident: 502 from its front, 500, 429...). Failed calls are recorded too."""
        self._outage = (frozenset(self._name(m) for m in methods), _Fault(status, description))

    def end_outage(self) -> None:
        self._outage = None

    def calls_to(self, method: str) -> list[ApiCall]:
        name = self._name(method)
        return [call for call in self.calls if call.method == name]

    def unconsumed(self, ignore: frozenset[str] = HOUSEKEEPING) -> list[ApiCall]:
        """Recorded calls no `wait_for` has taken, apart from `ignore`d methods."""
        return [
            call
            for index, call in enumerate(self.calls)
            if index not in self._consumed and call.method not in ignore
        ]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 10.0,
    ) -> ApiCall:
        """The first recorded call of `method` (matching `predicate(params)`) not yet taken.

        Raises TimeoutError naming the calls seen, if none arrives within `timeout`.
        """
        name = self._name(method)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, call in enumerate(self.calls):
                if index in self._consumed or call.method != name:
                    continue
                if predicate is None or predicate(call.params):
                    self._consumed.add(index)
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = ", ".join(call.method for call in self.calls[-20:]) or "none"
                raise TimeoutError(
                    f"no matching {name} call within {timeout:.1f}s (last calls: {seen})"
                )
            await self._changed.wait(remaining)

    # ------------------------------------------------------------- HTTP layer

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = self._name(request.match_info["method"])
        params, files = await self._read_params(request)
        try:
            if request.match_info["token"] != self.token:
                raise TelegramApiError(401, "Unauthorized")
            if self._outage is not None and method in self._outage[0]:
                fault = self._outage[1]
                raise TelegramApiError(fault.status, fault.description, fault.retry_after)
            if self._about_unknown_chat(params):
                raise _bad_request("chat not found")
            faults = self._faults.get(method)
            if faults:
                fault = faults.popleft()
                raise TelegramApiError(fault.status, fault.description, fault.retry_after)
            result = await self._call(method, params, files)
        except TelegramApiError as exc:
            self._record(ApiCall(method, params, files, exc.status))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.status)
        self._record(ApiCall(method, params, files, 200, result))
        return web.json_response({"ok": True, "result": result})

    def _about_unknown_chat(self, params: dict[str, Any]) -> bool:
        if not self.unknown_chats:
            return False
        scope = params.get("scope")
        chat_id = scope.get("chat_id") if isinstance(scope, dict) else params.get("chat_id")
        return chat_id in self.unknown_chats

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        stored = self._paths.get(path)
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        self.downloads.append(path)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = {k: decode_field(k, v) for k, v in request.query.items()}
        files: dict[str, Upload] = {}
        if not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = decode_field(key, str(value))
        return params, files

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self._changed.notify()

    def _name(self, method: str) -> str:
        return self._canonical.get(method.lower(), method)

    async def _call(self, method: str, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        if method in self._results:
            result = self._results[method]
            return result(params) if callable(result) else result
        handler = self._handlers.get(method)
        if handler is None:
            raise TelegramApiError(404, "Not Found")
        result = handler(params, files)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    # ------------------------------------------------------------ updates

    async def _get_updates(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        if self.webhook_url:
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = params.get("limit") or 100
        timeout = params.get("timeout") or 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(timeout), LONG_POLL_CAP)
        while not self._updates and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self._changed.wait(remaining)
        return list(self._updates[: int(limit)])

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.webhook_url = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        url = params.get("url") or ""
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url or None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.commands[self._commands_key(params)] = params.get("commands") or []
        return True

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self.commands.get(self._commands_key(params), [])

    # ------------------------------------------------------------ messages

    def _remember_chats(self, update: dict[str, Any]) -> None:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            message = value.get("message", value)
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                self.chats[chat["id"]] = chat

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, int):
            if chat_id in self.blocked:
                raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id in self.chats:
                return dict(self.chats[chat_id])
            if chat_id > 0:
                return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            return {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}
        username = str(chat_id).lstrip("@")
        return {
            "id": -1_000_000_000_000 - sum(username.encode()),
            "type": "channel",
            "title": username,
            "username": username,
        }

    def _check_text(self, text: Any, params: dict[str, Any], *, caption: bool) -> None:
        limit = MAX_CAPTION if caption else MAX_TEXT
        if not caption and not (isinstance(text, str) and text.strip()):
            raise _bad_request("message text is empty")
        if isinstance(text, str):
            if len(text) > limit:
                raise _bad_request(
                    "message caption is too long" if caption else "message is too long"
                )
            if self.strict_html and str(params.get("parse_mode", "")).upper() == "HTML":
                check_html(text)

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        markup = params.get("reply_markup")
        _check_markup(markup)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
        message.update({k: v for k, v in content.items() if v is not None})
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat["id"], message["message_id"])] = message
        return dict(message)

    def _send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        text = params.get("text")
        self._check_text(text, params, caption=False)
        return self._new_message(params, text=text)

    def _store_media(self, value: Any, files: dict[str, Upload], kind: str) -> _StoredFile:
        """A sent file: an upload (`attach://key`), a URL or an existing file_id."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            data = upload.data
        elif isinstance(value, str) and value in self._files:
            return self._files[value]
        elif isinstance(value, str) and value:
            data = value.encode()  # a URL or a file_id the fake never saw: stand-in bytes
        else:
            raise _bad_request(f"there is no {kind} in the request")
        number = next(self._file_ids)
        file_id = value if not value.startswith(("attach://", "http")) else f"{kind}-{number}"
        path = f"{kind}s/file_{number}"
        self.add_file(file_id, data, path)
        return self._files[file_id]

    @staticmethod
    def _photo_sizes(stored: _StoredFile) -> list[dict[str, Any]]:
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": len(stored.data),
            }
        ]

    @staticmethod
    def _document(stored: _StoredFile, filename: str | None) -> dict[str, Any]:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename or stored.file_path.rsplit("/", 1)[-1],
            "file_size": len(stored.data),
        }

    def _send_photo(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self._check_text(params.get("caption"), params, caption=True)
        stored = self._store_media(params.get("photo"), files, "photo")
        return self._new_message(
            params, photo=self._photo_sizes(stored), caption=params.get("caption")
        )

    def _send_document(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self._check_text(params.get("caption"), params, caption=True)
        value = params.get("document")
        upload = files.get(value.removeprefix("attach://")) if isinstance(value, str) else None
        stored = self._store_media(value, files, "document")
        return self._new_message(
            params,
            document=self._document(stored, upload.filename if upload else None),
            caption=params.get("caption"),
        )

    def _send_media_group(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad_request("media group must include 2-10 items")
        group_id = str(10_000_000 + next(self._file_ids))
        messages = []
        for item in media:
            kind = item.get("type", "photo")
            self._check_text(item.get("caption"), item, caption=True)
            stored = self._store_media(item.get("media"), files, kind)
            content: dict[str, Any] = {"media_group_id": group_id, "caption": item.get("caption")}
            if kind == "photo":
                content["photo"] = self._photo_sizes(stored)
            else:
                content[kind] = self._document(stored, None)
            messages.append(self._new_message(params, **content))
        return messages

    def _find(self, params: dict[str, Any]) -> dict[str, Any] | None:
        chat = self._chat(params.get("chat_id"))
        return self.messages.get((chat["id"], int(params.get("message_id") or 0)))

    def _edit(self, params: dict[str, Any], changes: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        markup = params.get("reply_markup")
        _check_markup(markup)
        changes["reply_markup"] = markup if isinstance(markup, dict) and markup else None
        stored = self._find(params)
        if stored is None:  # a message the fake never sent (built by the test): accept it
            stored = {
                "message_id": int(params.get("message_id") or 0),
                "from": self.bot_user,
                "chat": self._chat(params.get("chat_id")),
                "date": int(time.time()),
            }
            self.messages[(stored["chat"]["id"], stored["message_id"])] = stored
        elif all(stored.get(key) == value for key, value in changes.items()):
            raise _bad_request(ERROR_NOT_MODIFIED.removeprefix("Bad Request: "))
        for key, value in changes.items():
            if value is None:
                stored.pop(key, None)
            else:
                stored[key] = value
        stored["edit_date"] = int(time.time())
        return dict(stored)

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        text = params.get("text")
        self._check_text(text, params, caption=False)
        return self._edit(params, {"text": text})

    def _edit_message_caption(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self._check_text(params.get("caption"), params, caption=True)
        return self._edit(params, {"caption": params.get("caption")})

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self._edit(params, {})

    def _copy_source(self, params: dict[str, Any]) -> dict[str, Any]:
        source = self.messages.get(
            (self._chat(params.get("from_chat_id"))["id"], int(params.get("message_id") or 0))
        )
        if source is None:
            return {"text": "(copied message)"}
        return {k: v for k, v in source.items() if k in ("text", "caption", "photo", "document")}

    def _copy_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        content = self._copy_source(params)
        if "caption" in params:
            content["caption"] = params["caption"]
        message = self._new_message(params, **content)
        return {"message_id": message["message_id"]}  # copyMessage returns a MessageId

    def _forward_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self._new_message(params, **self._copy_source(params))

    def _delete_message(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        chat = self._chat(params.get("chat_id"))
        key = (chat["id"], int(params.get("message_id") or 0))
        if key in self.messages:
            del self.messages[key]
        return True

    def _get_file(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
