"""A file someone sent the bot, as the bot keeps it: enough to send it again."""

from __future__ import annotations

from dataclasses import dataclass, fields

from models.entities import Attachment
from models.enums import AttachmentKind


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the user sent: what the bot needs to send it again."""

    kind: AttachmentKind
    file_id: str
    file_unique_id: str
    mime_type: str | None = None
    file_size: int | None = None

    def attachment(
        self,
        *,
        request_id: int,
        uploaded_by_id: int,
        comment_id: int | None = None,
        is_result: bool = False,
    ) -> Attachment:
        """The row that keeps this file on a request (or on one of its comments)."""
        return Attachment(
            request_id=request_id,
            comment_id=comment_id,
            kind=self.kind,
            file_id=self.file_id,
            file_unique_id=self.file_unique_id,
            mime_type=self.mime_type,
            file_size=self.file_size,
            uploaded_by_id=uploaded_by_id,
            is_result=is_result,
        )

    @classmethod
    def of(cls, source: object) -> FileRef:
        """From anything with the same attributes: an Attachment row, a dialog's file."""
        return cls(**{f.name: getattr(source, f.name) for f in fields(cls)})
