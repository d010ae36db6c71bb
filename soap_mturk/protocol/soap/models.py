"""spyne models built from the schema tables, one set per API version namespace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spyne import (
    Boolean,
    ComplexModel,
    DateTime,
    Decimal,
    Double,
    Integer32,
    Integer64,
    Unicode,
    XmlAttribute,
)
from spyne.model.complex import ComplexModelBase

from soap_mturk.api.operations import Operation
from soap_mturk.api.schema import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    DOUBLE,
    ENUMS,
    INT,
    LONG,
    STRING,
    Field,
    message_fields,
    response_fields,
)

_PRIMITIVES = {
    STRING: Unicode,
    INT: Integer32,
    LONG: Integer64,
    BOOLEAN: Boolean,
    DATETIME: DateTime,
    DECIMAL: Decimal,
    DOUBLE: Double,
}


class VersionModels:
    """The complex types, messages and responses of one namespace."""

    def __init__(
        self,
        namespace: str,
        types: Mapping[str, list[Field]],
        enums: Mapping[str, tuple[str, ...]] = ENUMS,
    ):
        self.namespace = namespace
        self._tables = types
        self._enum_values = enums
        self._built: dict[str, type[ComplexModelBase]] = {}
        self._enums: dict[str, Any] = {}

    def _enum(self, name: str):
        if name not in self._enums:
            enum = Unicode.customize(
                values=list(self._enum_values[name]), type_name=name, __namespace__=self.namespace
            )
            # spyne orders the schema's types by repr() within each level of their
            # dependencies; every enumeration would be "Unicode", leaving their order
            # to set iteration (so the WSDL would change from run to run).
            enum.__name__ = enum.__qualname__ = name
            self._enums[name] = enum
        return self._enums[name]

    def _field_type(self, field: Field):
        if field.type in _PRIMITIVES:
            base = _PRIMITIVES[field.type]
        elif field.type in ENUMS:
            base = self._enum(field.type)
        else:
            base = self.complex(field.type)
        occurs = {
            "min_occurs": field.min,
            "max_occurs": "unbounded" if field.max is None else field.max,
            "nillable": False,
        }
        if field.type in ENUMS:
            # A customised simple type turns anonymous unless it is named again
            # (protocol/soap/wsdl.py inlines the ANONYMOUS_ENUMS the vendor's way).
            occurs["type_name"] = field.type
        customized = base.customize(**occurs)
        return XmlAttribute(customized, use="required") if field.attribute else customized

    def _make(self, type_name: str, fields: list[Field]) -> type[ComplexModelBase]:
        members = [(fd.name, self._field_type(fd)) for fd in fields]
        cls = type(
            type_name,
            (ComplexModel,),
            {"__namespace__": self.namespace, "__type_name__": type_name, "_type_info": members},
        )
        self._built[type_name] = cls
        return cls

    def complex(self, name: str) -> type[ComplexModelBase]:
        return self._built.get(name) or self._make(name, self._tables[name])

    def message(self, op: Operation) -> type[ComplexModelBase]:
        # Named types distinct from the element names: spyne names the element itself.
        return self._built.get(op.name + "Message") or self._make(
            op.name + "Message", message_fields(op.name)
        )

    def response(self, op: Operation) -> type[ComplexModelBase]:
        name = op.name + "ResponseMessage"
        return self._built.get(name) or self._make(
            name, response_fields(op.name, op.result_element, op.result_type)
        )


def to_plain(value: Any) -> Any:
    """A deserialised spyne object as dicts and lists keyed by element names."""
    if isinstance(value, ComplexModelBase):
        return {
            name: to_plain(getattr(value, name, None))
            for name in type(value).get_flat_type_info(type(value))
        }
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def from_plain(cls: type[ComplexModelBase], data: Mapping[str, Any]) -> ComplexModelBase:
    """dicts and lists keyed by element names as an instance of a spyne model."""
    type_info = cls.get_flat_type_info(cls)
    values = {}
    for name, value in data.items():
        if value is None:
            continue
        member = type_info[name]
        if hasattr(member, "type"):  # XmlAttribute wraps the real type
            member = member.type
        if issubclass(member, ComplexModelBase):
            # Instantiate the type itself, not its customised (min/maxOccurs) variant:
            # spyne warns on every such instance and formats a stack trace for the
            # warning even when logging drops it: a quarter of each request (1289 -> 937 us).
            member = member.__orig__ or member
            if isinstance(value, list):
                value = [from_plain(member, v) for v in value]
            else:
                value = from_plain(member, value)
        values[name] = value
    return cls(**values)
