"""Amounts of money as the vendor wrote them: the `Price` structure (Amount,
CurrencyCode, FormattedPrice), in US dollars, the only currency the service had."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from soap_mturk.domain.errors import MTurkError

USD = "USD"
CENT = Decimal("0.01")
# The reference's GetAccountBalance sample shows $10,000.00: every requester starts
# with that unless configured otherwise (credentials file, fixture, control API).
DEFAULT_BALANCE = Decimal("10000.00")
MAX_AMOUNT = Decimal("1000000000")  # far above anything an account ever held


def amount_text(amount: Decimal) -> str:
    """`Amount`: at least two decimals, as the captured answers write it
    (get_account_balance.xml: 15555.55, get_bonus_payments.xml: 0.04)."""
    if amount == amount.quantize(CENT):
        return format(amount.quantize(CENT), "f")
    return format(amount.normalize(), "f")


def formatted(amount: Decimal) -> str:
    """`FormattedPrice`: dollars, thousands grouped, cents (captured: $15,555.55)."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


def price(amount: Decimal) -> dict:
    return {"Amount": amount_text(amount), "CurrencyCode": USD, "FormattedPrice": formatted(amount)}


def parse_price(name: str, value: dict | None) -> Decimal:
    """A `Price` a request carries: a non-negative amount in USD, at most to the cent."""
    if not value or value.get("Amount") is None:
        raise MTurkError.missing(f"{name}.Amount")
    amount = value["Amount"]
    currency = value.get("CurrencyCode")
    if currency is None or currency == "":
        raise MTurkError.missing(f"{name}.CurrencyCode")
    if currency != USD:
        raise MTurkError.invalid(f"{name}.CurrencyCode", currency, "the only currency is USD")
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError):
        raise MTurkError.invalid(f"{name}.Amount", amount, "not an amount") from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise MTurkError.invalid(f"{name}.Amount", amount, "must be between 0 and 1000000000")
    if amount != amount.quantize(CENT):
        raise MTurkError.invalid(f"{name}.Amount", amount, "at most two decimal places")
    return amount


def parse_balance(text: object, where: str) -> Decimal:
    """A starting balance from configuration: a non-negative number of dollars."""
    try:
        amount = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"{where}: balance {text!r} is not a number of dollars") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValueError(f"{where}: balance must be between 0 and {MAX_AMOUNT}")
    if amount != amount.quantize(Decimal("0.001")):
        raise ValueError(f"{where}: balance has more than three decimal places")
    return amount
