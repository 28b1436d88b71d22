"""The generator's settings, read once per run."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

# GenerationAttempt.cost holds 12 digits, 6 after the point.
MAX_COST = Decimal("1000000")


@dataclass(frozen=True)
class GeneratorConfig:
    url: str
    model: str
    api_key: str = field(repr=False)  # kept out of tracebacks' locals and debug pages
    max_passes: int
    max_unusable: int
    timeout_seconds: float
    max_retries: int
    backoff_cap_seconds: int
    quiet_seconds: int
    input_price: Decimal | None
    output_price: Decimal | None
    currency: str

    def cost(self, prompt_tokens: int | None, completion_tokens: int | None) -> Decimal | None:
        """What a reply cost, from the prices per million tokens; None when unpriced or uncounted."""
        if None in (self.input_price, self.output_price, prompt_tokens, completion_tokens):
            return None
        spent = prompt_tokens * self.input_price + completion_tokens * self.output_price
        cost = (spent / Decimal(1_000_000)).quantize(Decimal("0.000001"))
        return cost if cost < MAX_COST else None  # beyond what a row holds: a price set wrong


def _price(text: str) -> Decimal | None:
    try:
        price = Decimal(text)
    except InvalidOperation:
        return None
    return price if price.is_finite() and price >= 0 else None


def current() -> GeneratorConfig | None:
    """The generator as configured, or None when it is off (no endpoint or model)."""
    values = settings.CONTINUATION_GENERATOR
    if not values["url"] or not values["model"]:
        return None
    return GeneratorConfig(
        url=values["url"],
        model=values["model"],
        api_key=values["api_key"],
        max_passes=max(1, values["max_passes"]),
        max_unusable=max(1, values["max_unusable"]),
        timeout_seconds=values["timeout_seconds"],
        max_retries=max(0, values["max_retries"]),
        backoff_cap_seconds=max(1, values["backoff_cap_seconds"]),
        quiet_seconds=max(0, values["quiet_seconds"]),
        input_price=_price(values["input_price"]),
        output_price=_price(values["output_price"]),
        currency=values["currency"],
    )
