"""The data-schema documents requests carry as strings (a Test's QuestionForm, an
AnswerKey, a worker's QuestionFormAnswers): the one check every one of them
passes, with one namespace policy.

A document is at most MAX_XML_BYTES of UTF-8, well-formed, without a DTD (nothing
is expanded or fetched), and its root is the expected element in the namespace of
its data schema, `http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/
<date>/<Root>.xsd` for any of the schemas' dates, as the vendor's documents and
SDK samples write it. Anything else is the vendor's XMLParseError.
"""

from __future__ import annotations

import re

from lxml import etree

from soap_mturk.domain import errors

MAX_XML_BYTES = 65535  # a Test or an AnswerKey, in UTF-8
SCHEMAS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"
_DATA_SCHEMA = re.compile(
    r"^http://mechanicalturk\.amazonaws\.com/AWSMechanicalTurkDataSchemas/[0-9-]+/(\w+)\.xsd$"
)


def _parser() -> etree.XMLParser:
    # One per document: an lxml parser must not be used by two threads at once.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_document(name: str, text: str, root_element: str) -> etree._Element:
    """`text` (the value of the request field `name`) as a checked element tree."""
    data = text.encode("utf-8")
    if len(data) > MAX_XML_BYTES:
        raise errors.InvalidParameterValue(
            f"'(document)' is not a valid value for {name}: at most {MAX_XML_BYTES} bytes."
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise errors.XMLParseError(f"{name} is not well-formed XML: {error.msg}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise errors.XMLParseError(f"{name} must not contain a DTD.")
    qname = etree.QName(root)
    schema = _DATA_SCHEMA.match(qname.namespace or "")
    if qname.localname != root_element or not schema or schema.group(1) != root_element:
        raise errors.XMLParseError(
            f"{name} must be a {root_element} in the namespace {SCHEMAS}{root_element}.xsd, "
            f"not {root.tag}."
        )
    return root
