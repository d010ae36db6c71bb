"""The one codec: the primitives table (primitives.py) and the schema-driven
reader and writer (xml.py for SOAP bodies and REST answers, rest.py for REST
parameters), assembled per API version from that version's message tables."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from lxml import etree

from soap_mturk.api.operations import OPERATIONS, Operation
from soap_mturk.api.schema import Field, message_fields, response_fields
from soap_mturk.protocol.codec.primitives import PRIMITIVES, BadValue
from soap_mturk.protocol.codec.rest import ParameterReader
from soap_mturk.protocol.codec.xml import InvalidField, Malformed, MessageReader, MessageWriter
from soap_mturk.versions import ApiVersion

__all__ = [
    "PRIMITIVES",
    "BadValue",
    "InvalidField",
    "Malformed",
    "VersionCodec",
]


class VersionCodec:
    """Reading and writing the messages of one API version."""

    def __init__(self, version: ApiVersion):
        self.version = version
        types = version.types
        self.soap_reader = MessageReader(types, version.namespace)
        self.soap_writer = MessageWriter(types, version.namespace)
        self.rest_reader = ParameterReader(types)
        self.rest_writer = MessageWriter(types, None)

    @cached_property
    def _messages(self) -> dict[str, list[Field]]:
        return {name: message_fields(name) for name in self.version.operations}

    def message_fields(self, operation: str) -> list[Field]:
        return self._messages[operation]

    @cached_property
    def _responses(self) -> dict[str, list[Field]]:
        return {
            name: response_fields(name, op.result_element, op.result_type)
            for name, op in OPERATIONS.items()
            if name in self.version.operations
        }

    def response_fields(self, op: Operation) -> list[Field]:
        return self._responses[op.name]

    def read_message(self, element: etree._Element, operation: str) -> dict[str, Any]:
        """The operation element's contents as plain data; raises Malformed."""
        return self.soap_reader.read(element, self.message_fields(operation), operation)

    def rest_document(self, name: str, fields: list[Field], data: dict) -> bytes:
        root = self.rest_writer.element(None, name, fields, data)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
