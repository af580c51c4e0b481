"""Which files may be attached, judged by their content, and the names they are shown and saved under."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_NAME_LENGTH,
    AttachmentProblem,
    AttachmentType,
    attachment_type,
    clean_name,
    display_name,
    file_problem,
)
from homecare.downloads import content_disposition
from homecare.i18n.formatting import format_file_size
from tests.sample_files import EXE, JPEG_HEAD, PDF, png


def test_the_type_comes_from_the_content() -> None:
    assert attachment_type(PDF) is AttachmentType.PDF
    assert attachment_type(JPEG_HEAD) is AttachmentType.JPEG
    assert attachment_type(png()) is AttachmentType.PNG


def test_a_program_or_a_gif_or_text_is_refused_whatever_it_is_called() -> None:
    for content in (EXE, b"GIF89a" + b"\x00" * 20, b"Hei, dette er tekst", b"<html><script>"):
        assert file_problem(len(content), content) is AttachmentProblem.WRONG_TYPE


def test_ten_megabytes_is_the_most_a_file_may_be() -> None:
    assert file_problem(MAX_ATTACHMENT_BYTES, PDF) is None
    assert file_problem(MAX_ATTACHMENT_BYTES + 1, PDF) is AttachmentProblem.TOO_LARGE
    assert file_problem(0, b"") is AttachmentProblem.EMPTY


@given(st.binary(max_size=300))
def test_only_the_three_signatures_are_ever_accepted(content: bytes) -> None:
    kind = attachment_type(content)
    assert kind is None or content.startswith((b"%PDF", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))


@given(st.text(max_size=300), st.sampled_from(list(AttachmentType)))
def test_a_shown_name_has_no_folder_no_control_characters_and_the_ending_of_its_content(
    raw: str, kind: AttachmentType
) -> None:
    name = display_name(raw, kind)
    assert "/" not in name and "\\" not in name
    assert name.isprintable()
    assert len(name) <= MAX_NAME_LENGTH
    assert name.endswith(kind.extension)
    assert not name.startswith(".")


def test_a_shown_name_keeps_what_a_person_called_the_file() -> None:
    assert display_name("Medisinliste desember.pdf", AttachmentType.PDF) == "Medisinliste desember.pdf"
    assert display_name("C:\\Users\\kari\\bilde av såret.JPG", AttachmentType.JPEG) == "bilde av såret.jpg"
    assert display_name("../../etc/passwd", AttachmentType.PDF) == "passwd.pdf"
    assert display_name("program.exe", AttachmentType.PDF) == "program.exe.pdf"
    assert display_name("skjema.pdf", AttachmentType.PNG) == "skjema.png"
    assert display_name("..", AttachmentType.PNG) == "vedlegg.png"


@given(st.text(max_size=300))
def test_a_refused_files_name_is_shown_without_folders_or_control_characters(raw: str) -> None:
    name = clean_name(raw)
    assert "/" not in name and "\\" not in name and name.isprintable() and len(name) <= MAX_NAME_LENGTH


@given(st.text(min_size=1, max_size=120))
def test_the_download_header_cannot_be_broken_out_of(name: str) -> None:
    header = content_disposition(name, inline=False)
    assert header.isprintable() and header.isascii()
    assert header.count('"') == 2


def test_sizes_are_shown_as_file_pickers_show_them() -> None:
    assert format_file_size(10, "nb") == "1 kB"
    assert format_file_size(300 * 1024, "en") == "300 kB"
    assert format_file_size(MAX_ATTACHMENT_BYTES, "nb") == "10 MB"
    assert format_file_size(1300 * 1024, "nb") == "1,3 MB"
