"""Reading REST parameters by the schema tables alone (no server needed)."""

from __future__ import annotations

import pytest

from soap_mturk.api.schema import BOOLEAN, INT, REQUEST_TYPES, TYPES, f, many, required
from soap_mturk.domain import errors
from soap_mturk.protocol.codec.rest import ParameterReader as RequestReader

READER = RequestReader(TYPES)


def test_scalars_are_typed_and_unknown_names_ignored():
    request = READER.read(
        "AssignQualificationRequest",
        {
            "Operation": "AssignQualification",
            "Signature": "x",
            "QualificationTypeId": "789RVWYBAZW00EXAMPLE",
            "WorkerId": "AZ3456EXAMPLE",
            "IntegerValue": "800",
            "SendNotification": "True",
            "Unrelated": "ignored",
        },
    )
    assert request == {
        "QualificationTypeId": "789RVWYBAZW00EXAMPLE",
        "WorkerId": "AZ3456EXAMPLE",
        "IntegerValue": 800,
        "SendNotification": True,
    }


def test_repeated_scalars_in_sequence_order_numbered_or_single_unnumbered():
    numbered = READER.read(
        "GetQualificationTypeRequest",
        {"ResponseGroup.10": "C", "ResponseGroup.2": "B", "ResponseGroup.1": "A"},
    )
    assert numbered["ResponseGroup"] == ["A", "B", "C"]
    assert READER.read("GetQualificationTypeRequest", {"ResponseGroup": "Request"})[
        "ResponseGroup"
    ] == ["Request"]


def test_long_fields_take_64_bit_values_and_int_fields_32():
    assert READER.read("CreateQualificationTypeRequest", {"RetryDelayInSeconds": str(2**40)}) == {
        "RetryDelayInSeconds": 2**40
    }
    with pytest.raises(errors.ParameterOutOfRange):
        READER.read("CreateQualificationTypeRequest", {"RetryDelayInSeconds": str(2**63)})
    with pytest.raises(errors.ParameterOutOfRange):
        READER.read("CreateQualificationTypeRequest", {"AutoGrantedValue": str(-(2**31) - 1)})


@pytest.mark.parametrize(
    "name, value",
    [
        ("IntegerValue", "12abc"),
        ("IntegerValue", "1_000"),
        ("IntegerValue", "\u0661"),  # ARABIC-INDIC DIGIT ONE: int() takes it, xs:int does not
        ("IntegerValue", "1 2"),
        ("SendNotification", "t"),
        ("ResponseGroup.0", "Request"),
    ],
)
def test_malformed_values_are_invalid_parameter_values(name, value):
    with pytest.raises(errors.InvalidParameterValue) as raised:
        READER.read("AssignQualificationRequest", {name: value})
    assert name in raised.value.message


def test_values_are_read_in_their_full_lexical_space():
    """xs:int and xs:boolean collapse surrounding whitespace and take a sign or 1/0."""
    request = READER.read(
        "AssignQualificationRequest", {"IntegerValue": " +5\n", "SendNotification": "1"}
    )
    assert request == {"IntegerValue": 5, "SendNotification": True}


def test_a_5000_digit_integer_is_out_of_range_without_arithmetic():
    with pytest.raises(errors.ParameterOutOfRange):
        READER.read("AssignQualificationRequest", {"IntegerValue": "9" * 5000})


def test_enumerations_pass_as_text_for_the_domain_to_check():
    assert READER.read("SearchQualificationTypesRequest", {"SortDirection": "Sideways"}) == {
        "SortDirection": "Sideways"
    }


@pytest.mark.parametrize("type_name", sorted(REQUEST_TYPES))
def test_every_request_type_reads_an_empty_call(type_name):
    assert READER.read(type_name, {}) == {}


def test_structures_nested_and_repeated_as_the_reference_writes_them():
    # The shapes of a HIT's requirements and reward (reference L9902-9973, L9272):
    # the reader needs no code for them, only their tables.
    types = {
        "Call": [
            many("QualificationRequirement", "QualificationRequirement"),
            f("Reward", "Price"),
        ],
        "QualificationRequirement": [
            required("QualificationTypeId"),
            f("Comparator"),
            many("IntegerValue", INT),
            many("LocaleValue", "Locale"),
            f("RequiredToPreview", BOOLEAN),
        ],
        "Locale": [required("Country"), f("Subdivision")],
        "Price": [f("Amount"), f("CurrencyCode")],
    }
    request = RequestReader(types).read(
        "Call",
        {
            "QualificationRequirement.1.QualificationTypeId": "000000000000000000L0",
            "QualificationRequirement.1.Comparator": "GreaterThan",
            "QualificationRequirement.1.IntegerValue.1": "10",
            "QualificationRequirement.2.QualificationTypeId": "00000000000000000071",
            "QualificationRequirement.2.Comparator": "In",
            "QualificationRequirement.2.LocaleValue.1.Country": "US",
            "QualificationRequirement.2.LocaleValue.2.Country": "CA",
            "QualificationRequirement.2.LocaleValue.2.Subdivision": "QC",
            "QualificationRequirement.2.RequiredToPreview": "true",
            "Reward.1.Amount": "0.32",
            "Reward.1.CurrencyCode": "USD",
        },
    )
    assert request == {
        "QualificationRequirement": [
            {
                "QualificationTypeId": "000000000000000000L0",
                "Comparator": "GreaterThan",
                "IntegerValue": [10],
            },
            {
                "QualificationTypeId": "00000000000000000071",
                "Comparator": "In",
                "LocaleValue": [{"Country": "US"}, {"Country": "CA", "Subdivision": "QC"}],
                "RequiredToPreview": True,
            },
        ],
        "Reward": {"Amount": "0.32", "CurrencyCode": "USD"},
    }
    assert RequestReader(types).read("Call", {"Reward.Amount": "1.00"}) == {
        "Reward": {"Amount": "1.00"}
    }
