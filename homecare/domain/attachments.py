"""What may be attached to a message: which files, how many, how large, and under what name they are shown."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

import filetype

MAX_ATTACHMENTS = 5
# Unsent files one person may have lying about (in several tabs, say) before more are refused.
MAX_UNSENT_ATTACHMENTS = 4 * MAX_ATTACHMENTS
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 100
# How many first bytes tell the type: every signature we accept lies within them.
HEAD_BYTES = 262


class AttachmentType(StrEnum):
    """The kinds of file the service accepts, by media type."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"

    @property
    def extension(self) -> str:
        return {AttachmentType.PDF: ".pdf", AttachmentType.JPEG: ".jpg", AttachmentType.PNG: ".png"}[self]

    @property
    def is_image(self) -> bool:
        return self is not AttachmentType.PDF


# The names a browser may give each accepted type: they let a phone's file picker offer the right files.
PICKER_EXTENSIONS: dict[str, list[str]] = {
    AttachmentType.PDF.value: [".pdf"],
    AttachmentType.JPEG.value: [".jpg", ".jpeg"],
    AttachmentType.PNG.value: [".png"],
}
_EXTENSIONS = {extension for extensions in PICKER_EXTENSIONS.values() for extension in extensions}


class AttachmentProblem(StrEnum):
    """Why a file was not attached; each has its own words in the catalogs."""

    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    TOO_MANY = "too_many"
    TOO_MANY_UNSENT = "too_many_unsent"


def attachment_type(head: bytes) -> AttachmentType | None:
    """The type of a file from its first bytes, whatever its name says; None for anything else."""
    kind = filetype.guess(head[:HEAD_BYTES])
    if kind is None:
        return None
    try:
        return AttachmentType(kind.mime)
    except ValueError:
        return None


def file_problem(size: int, head: bytes) -> AttachmentProblem | None:
    """What is wrong with one file of `size` bytes starting with `head`; None when it may be attached."""
    if size == 0:
        return AttachmentProblem.EMPTY
    if size > MAX_ATTACHMENT_BYTES:
        return AttachmentProblem.TOO_LARGE
    if attachment_type(head) is None:
        return AttachmentProblem.WRONG_TYPE
    return None


def clean_name(raw_name: str) -> str:
    """A file name as it may be shown: no folders, no control characters, not too long."""
    base = raw_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        char for char in unicodedata.normalize("NFC", base) if unicodedata.category(char)[0] != "C"
    )
    return " ".join(base.split()).strip(" .")[:MAX_NAME_LENGTH]


def display_name(raw_name: str, kind: AttachmentType) -> str:
    """A safe name to show and to offer for download, with the ending that the content calls for.

    A browser sends whatever name the file had; a name with a folder in it or a misleading ending must not
    reach the disk or the person who downloads it.
    """
    base = clean_name(raw_name)
    stem, dot, ending = base.rpartition(".")
    if dot and "." + ending.lower() in _EXTENSIONS:
        base = stem.strip(" .")
    room = MAX_NAME_LENGTH - len(kind.extension)
    return (base[:room].rstrip(" .") or "vedlegg") + kind.extension
