"""Refuse dangerous XML before and after parsing: no DTDs, no entity declarations.

VOC annotations never need a document type declaration, so any file that has one is
refused outright. That rules out entity-expansion bombs ("billion laughs") and external
entities or DTDs (local file disclosure, network fetches) without having to judge how
dangerous a particular declaration is. Two layers:

1. :func:`forbidden_reason` scans the raw bytes before the parser sees them (catches
   every ASCII-compatible encoding, which is all real VOC files).
2. :func:`hardened_parser` never expands entities, loads a DTD or touches the network,
   and :func:`declares_doctype` checks the parsed document for a DOCTYPE, which covers
   encodings such as UTF-16 where the byte scan cannot see the markup.
"""

from __future__ import annotations

from lxml import etree

_FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")


def forbidden_reason(data: bytes) -> str | None:
    """Why ``data`` must not be parsed, or None when it has no DTD/entity declaration."""
    # One C-level search for "<!" first: comments and CDATA also start with it, but most
    # files contain none, so the common case costs a single pass over the bytes.
    if b"<!" not in data:
        return None
    for marker in _FORBIDDEN_MARKUP:
        if marker in data:
            return (f"contains {marker.decode()} (document type or entity declarations are "
                    "refused: they can expand into huge documents or read other files)")
    return None


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or uses the network.

    lxml parsers must not be shared between threads; create one per thread or process.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        # Whitespace between elements means nothing in VOC; dropping it parses faster.
        remove_blank_text=True,
        remove_comments=True,
        remove_pis=True,
    )


def declares_doctype(root: etree._Element) -> bool:
    """True when the parsed document carries a DOCTYPE (internal subset or external)."""
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None
