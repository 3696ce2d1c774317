"""Bytes to text: a byte-order mark, then a declared charset, then detection; never an error."""

import codecs
import json
import re

# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# HTML's prescan reads 1024 bytes; pages with long comments or scripts first get more room.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# What browsers do: these labels mean windows-1252, whose 0x80-0x9f are quotes and dashes.
_WINDOWS_1252_LABELS = {"iso8859-1", "ascii"}
_WESTERN = "cp1252"
# Detection scores: candidates within this much of the best are equally likely.
_TIE = 0.01


def bom_encoding(data: bytes) -> str | None:
    return next((name for bom, name in _BOMS if data.startswith(bom)), None)


def as_utf8(data: bytes) -> bytes:
    """UTF-16 or UTF-32 with a byte-order mark re-encoded as UTF-8 (with its mark).

    Format sniffing and the binary-file check then work on one kind of bytes.
    """
    encoding = bom_encoding(data)
    if encoding not in ("utf-16", "utf-32"):
        return data
    return codecs.BOM_UTF8 + data.decode(encoding, errors="replace").encode("utf-8")


def decode_text(data: bytes) -> str:
    """A byte-order mark, else UTF-8, else mostly-UTF-8 with a few bad bytes, else a guess.

    The guess prefers windows-1252 whenever it is among the likeliest charsets: short
    Western text is often equally plausible as Central European, and 'naïve' must not
    come out as 'naďve'.
    """
    encoding = bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _damaged_utf8(data) or _detected(data)


def decode_html(data: bytes) -> str:
    """HTML bytes: a byte-order mark, else the charset the page declares, else as text."""
    if bom_encoding(data):
        return decode_text(data)
    declared = declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeError, LookupError):
            pass  # a wrong declaration, or a codec that is not a charset ('rot13', 'hex')
    return decode_text(data)


def declared_charset(data: bytes) -> str | None:
    """The Python codec for a page's <meta charset> or XML declaration, if it names one."""
    head = data[:_PRESCAN_BYTES]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not found:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_LABELS:
        return _WESTERN
    # A page that says UTF-16 without a byte-order mark is ASCII-compatible: browsers read UTF-8.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few invalid bytes (a truncated download, one bad paste), if it is that."""
    valid = len(_UTF8_SEQUENCE.findall(data))
    if not valid:
        return None
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    return text if valid >= invalid else None


def _detected(data: bytes) -> str:
    # Imported here: only an undecodable file needs it, and the search server never does
    # (4 MB in each of its worker processes).
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return data.decode(_WESTERN, errors="replace")
    least = min(match.chaos for match in matches)
    likeliest = [match for match in matches if match.chaos <= least + _TIE]
    if any(_WESTERN in match.could_be_from_charset for match in likeliest):
        return data.decode(_WESTERN, errors="replace")
    return str(likeliest[0])


def decode_json(data: bytes) -> object:
    """JSON in any encoding; ValueError("invalid JSON: ...") when it is not JSON."""
    try:
        return json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ValueError(f"invalid JSON: {reason}") from error
