"""Decoding: byte-order marks, declared charsets, detection, and bad bytes."""

import codecs

import pytest

from index.decoding import as_utf8, declared_charset, decode_html, decode_text
from index.readers import read_source

STORY = "Café society\n\nNaïve résumés, “smart quotes” – and a dash.\n"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_short_undeclared_western_text_is_not_read_as_central_european(encoding):
    text = "Café society\n\nNaïve résumés.\n"
    assert decode_text(text.encode(encoding)) == text


def test_single_word_in_latin1_keeps_its_diaeresis():
    assert decode_text("Naïve".encode("latin-1")) == "Naïve"


def test_cp1252_quotes_and_dashes_survive_detection():
    assert decode_text(STORY.encode("cp1252")) == STORY


def test_cyrillic_text_is_still_detected_as_cyrillic():
    text = "Привет, как дела? Это тест кодировки."
    assert decode_text(text.encode("cp1251")) == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_byte_order_mark_is_decoded_by_it(encoding):
    data = STORY.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert decode_text(data) == STORY


def test_utf8_with_one_bad_byte_keeps_its_other_characters():
    data = "Schrödinger’s qubits".encode() + b" \xff " + "µP".encode()
    assert decode_text(data) == "Schrödinger’s qubits \ufffd µP"


def test_undecodable_bytes_never_raise():
    assert isinstance(decode_text(bytes(range(128, 256)) * 3), str)


def test_html_declared_charset_in_meta_wins_over_guessing():
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>Prix : 5 €</p>'
    assert "5 €" in decode_html(page.encode("iso-8859-15"))


def test_html_http_equiv_charset_is_read():
    page = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Москва</p>'
    assert "Москва" in decode_html(page.encode("cp1251"))


def test_html_declared_latin1_is_read_as_windows_1252_like_browsers_do():
    page = '<meta charset="iso-8859-1"><p>\x93Quoted\x94 caf\xe9</p>'
    assert "“Quoted” café" in decode_html(page.encode("latin-1"))


def test_html_byte_order_mark_wins_over_a_wrong_declaration():
    page = '<meta charset="iso-8859-1"><p>Zürich</p>'
    assert "Zürich" in decode_html(codecs.BOM_UTF8 + page.encode("utf-8"))


def test_html_wrong_declaration_falls_back_to_what_the_bytes_are():
    page = '<meta charset="utf-8"><p>Caf\xe9 cr\xe8me</p>'
    assert "Café crème" in decode_html(page.encode("latin-1"))


@pytest.mark.parametrize("label", ["rot13", "hex", "no-such-charset", "zlib"])
def test_html_declaring_a_codec_that_is_not_a_charset_is_still_read(label):
    assert "Plain" in decode_html(f"<meta charset={label}><p>Plain</p>".encode())


def test_meta_declaring_utf16_without_a_mark_means_utf8():
    assert declared_charset(b'<meta charset="utf-16">') == "utf-8"


def test_utf16_bytes_become_utf8_with_a_mark_for_sniffing():
    assert as_utf8("<p>x</p>".encode("utf-16")) == codecs.BOM_UTF8 + b"<p>x</p>"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "page.html",
            "<html><body><article><h1>Zürich</h1><p>Quiet qubits.</p>".encode("utf-16"),
            ("Zürich", "Zürich\nQuiet qubits."),
        ),
        (
            "story.txt",
            "Naïve headline\n\nThe story.\n".encode("utf-16"),
            ("Naïve headline", "The story."),
        ),
        (
            "story.txt",
            "Café society\n\nNaïve résumés.\n".encode("latin-1"),
            ("Café society", "Naïve résumés."),
        ),
    ],
)
def test_files_in_utf16_or_undeclared_latin1_are_read_as_their_format(
    tmp_path, taxonomy, name, data, expected
):
    path = tmp_path / name
    path.write_bytes(data)
    [doc] = read_source(path, taxonomy).documents
    assert (doc.title, doc.body) == expected


def test_html_file_with_invalid_bytes_is_read(tmp_path, taxonomy):
    path = tmp_path / "page.html"
    path.write_bytes(b'<meta charset="utf-8"><article><p>Good text \xc3 then more.</p></article>')
    [doc] = read_source(path, taxonomy).documents
    assert doc.body.startswith("Good text")
