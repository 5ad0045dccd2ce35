"""Every real pricing page of the team's broad sample, read as a new user's source would read it, against
a golden read line by line against its page (`tests/goldens/real/`)."""

from __future__ import annotations

import sys

import pytest

from monitor.extract import Hints, JsonOptions, extract_prices
from monitor.fetch import decode_body
from tests.conftest import GOLDENS, fixture
from tests.test_extract import captured_on, render

REAL = GOLDENS / "real"

# (page under real_pages/, kind, the source's currency, golden). Each golden was read against its page;
# regenerate with `python -m tests.test_real_pages` and read every changed line the same way.
CASES = [
    *[
        (page, "json", "USD", f"atlascloud_models-api_{version}.txt")
        for version, page in (
            ("v01", "atlascloud_models-api__json-api__v01__2026-08-10__20cf0c8e0c.json"),
            ("v02", "atlascloud_models-api__json-api__v02__2026-08-16__e2c71d1d1e.json"),
            ("v03", "atlascloud_models-api__json-api__v03__2026-08-20__02f50ca38d.json"),
            ("v04", "atlascloud_models-api__json-api__v04__2026-08-21__ea882b95b8.json"),
        )
    ],
    (
        "alibaba-bailian_models_zh__firecrawl-md__2026-02-27__f4faf6fdd4.md",
        "markdown",
        "CNY",
        "alibaba-bailian_models_zh.txt",
    ),
    (
        "alibaba-hologres_managed-models-billing_zh__raw-html__2026-07-20__59f179195a.html",
        "html",
        "CNY",
        "alibaba-hologres_managed-models-billing_zh.txt",
    ),
    (
        "anthropic_api-pricing-2024__html2text-in-js__2024-04-01__96fba9b884.js",
        "markdown",
        "USD",
        "anthropic_api-pricing-2024.txt",
    ),
    (
        "anthropic_docs-pricing__raw-html__2026-07-17__8297aaa874.html",
        "html",
        "USD",
        "anthropic_docs-pricing.txt",
    ),
    (
        "anthropic_docs-pricing_zh-cn__md-source__2025-12-19__fe4ebf53d5.md",
        "markdown",
        "CNY",
        "anthropic_docs-pricing_zh-cn.txt",
    ),
    ("cerebras_pricing__raw-html__2026-05-08__d1507e12fb.html", "html", "USD", "cerebras_pricing.txt"),
    (
        "gmicloud_inference-price__md-source__v01__2025-03-21__6d2b997347.md",
        "markdown",
        "USD",
        "gmicloud_inference-price_v01.txt",
    ),
    (
        "gmicloud_inference-price__md-source__v02__2025-04-03__b482b4ec6c.md",
        "markdown",
        "USD",
        "gmicloud_inference-price_v02.txt",
    ),
    (
        "gmicloud_inference-price__md-source__v03__2025-04-15__ea752e3e49.md",
        "markdown",
        "USD",
        "gmicloud_inference-price_v03.txt",
    ),
    (
        "gmicloud_inference-price__md-source__v04__2025-04-17__2d54db151c.md",
        "markdown",
        "USD",
        "gmicloud_inference-price_v04.txt",
    ),
    ("groq_pricing__html2text-in-js__2024-04-01__96fba9b884.js", "markdown", "USD", "groq_pricing.txt"),
    (
        "minimax_token-plan_zh__rendered-html__2026-07-20__59f179195a.html",
        "html",
        "CNY",
        "minimax_token-plan_zh.txt",
    ),
    (
        "mistral_pricing-2024__html2text-in-js__2024-04-01__96fba9b884.js",
        "markdown",
        "USD",
        "mistral_pricing-2024.txt",
    ),
    ("modelmesh_models__rendered-html__2026-07-17__481ee58888.html", "html", "CNY", "modelmesh_models.txt"),
    (
        "moonshot-kimi_pricing-chat-k27-code_zh__raw-html__2026-07-17__481ee58888.html",
        "html",
        "CNY",
        "moonshot-kimi_pricing-chat-k27-code_zh.txt",
    ),
    (
        "openai_api-docs-pricing__mdx-components__v01__2026-02-26__3e48887a7f.md",
        "markdown",
        "USD",
        "openai_api-docs-pricing_v01.txt",
    ),
    (
        "openai_api-docs-pricing__mdx-components__v02__2026-07-06__03c65ca037.md",
        "markdown",
        "USD",
        "openai_api-docs-pricing_v02.txt",
    ),
    (
        "openai_api-docs-pricing__mdx-components__v03__2026-07-15__de09146fea.md",
        "markdown",
        "USD",
        "openai_api-docs-pricing_v03.txt",
    ),
    (
        "openai_pricing-page-2024__html2text-in-js__2024-04-01__96fba9b884.js",
        "markdown",
        "USD",
        "openai_pricing-page-2024.txt",
    ),
    (
        "phala-redpill_home-models__jina-md__2026-05-08__618e39f09d.md",
        "markdown",
        "USD",
        "phala-redpill_home-models.txt",
    ),
    (
        "stepfun_model-step-3.7-flash_zh__mdx-components__2026-06-19__26f79a9275.md",
        "markdown",
        "CNY",
        "stepfun_model-step-3.7-flash_zh.txt",
    ),
    (
        "tencent-cloud_tokenhub-model-pricing_zh__raw-html__2026-08-10__d730983025.html",
        "html",
        "CNY",
        "tencent-cloud_tokenhub-model-pricing_zh.txt",
    ),
    (
        "tencentcloud-intl_tokenhub-model-pricing__raw-html__2026-07-17__481ee58888.html",
        "html",
        "USD",
        "tencentcloud-intl_tokenhub-model-pricing.txt",
    ),
    ("venice_api-pricing__jina-md__2026-05-08__618e39f09d.md", "markdown", "USD", "venice_api-pricing.txt"),
    (
        "volcengine-ark_doubao-seedream-4.0_zh__md-converted__2025-12-18__20171bc727.md",
        "markdown",
        "CNY",
        "volcengine-ark_doubao-seedream-4.0_zh.txt",
    ),
    (
        "volcengine-ark_model-pricing_zh__raw-html__2026-07-17__481ee58888.html",
        "html",
        "CNY",
        "volcengine-ark_model-pricing_zh.txt",
    ),
    (
        "zai_pricing-overview__raw-html__2026-08-18__54c9bc222b.html",
        "html",
        "USD",
        "zai_pricing-overview.txt",
    ),
    (
        "zhipu-bigmodel_knowledge-base-pricing_zh__mdx-components__2025-12-19__fe4ebf53d5.md",
        "markdown",
        "CNY",
        "zhipu-bigmodel_knowledge-base-pricing_zh.txt",
    ),
    (
        "zhipu-bigmodel_pricing_zh__rendered-html__2026-07-20__59f179195a.html",
        "html",
        "CNY",
        "zhipu-bigmodel_pricing_zh.txt",
    ),
]
OPENAI_COLUMNS = (
    (
        "TextTokenPricingTables",
        (
            ("model", "input", "cached_input", "output"),
            ("model", "input", "cached_input", "cache_write", "output"),
        ),
    ),
)
# what a page needs that no reader can infer, as its source would say it (README: the hints)
HINTS = {
    # the model is named only in the page's URL (…/models/step-3.7-flash.md)
    "stepfun_model-step-3.7-flash_zh.txt": Hints(model="step-3.7-flash"),
    # the page's price tables are a component's rows; the component draws the header
    "openai_api-docs-pricing_v02.txt": Hints(columns=OPENAI_COLUMNS),
    "openai_api-docs-pricing_v03.txt": Hints(columns=OPENAI_COLUMNS),
}


# Atlas Cloud's API: token models' prices in USD per 1M tokens under price.actual (its media models'
# single base_price states no unit, and long-context tiers are prompt_thresholds: no mapping reads them)
ATLAS = JsonOptions(
    records="body.data",
    model="model",
    prices={
        "input": "price.actual.input_price",
        "output": "price.actual.output_price",
        "cached_input": "price.actual.cache_price",
    },
    per=1_000_000,
)


def read(page: str, kind: str, currency: str, golden: str) -> str:
    text, _encoding = decode_body(fixture(f"real_pages/{page}").read_bytes(), "")
    options = ATLAS if golden.startswith("atlascloud") else None
    return render(
        extract_prices(kind, text, currency, options, as_of=captured_on(page), hints=HINTS.get(golden))
    )


@pytest.mark.parametrize(("page", "kind", "currency", "golden"), CASES, ids=[c[3] for c in CASES])
def test_real_page(page: str, kind: str, currency: str, golden: str) -> None:
    """Every price of a real page exactly as reviewed against the page, and every amount not read
    reported with why."""
    assert read(page, kind, currency, golden) == (REAL / golden).read_text(encoding="utf-8")


if __name__ == "__main__":  # regenerate, then review every changed line against its page
    REAL.mkdir(exist_ok=True)
    for case in CASES:
        (REAL / case[3]).write_text(read(*case), encoding="utf-8")
        print(f"wrote {case[3]}", file=sys.stderr)
