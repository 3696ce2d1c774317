"""Browser tests: the search page driven in headless Debian Chromium through Playwright."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def result_total(page: Page) -> int:
    text = page.locator("p.result-count").inner_text()
    match = re.match(r"\s*([\d,]+) results?\b", text)
    assert match, f"unexpected result count text: {text!r}"
    return int(match.group(1).replace(",", ""))


def facet_counts(page: Page, facet: str) -> dict[str, int]:
    items = page.locator(f'fieldset.facet[data-facet="{facet}"] li')
    values = items.locator(".facet-value").all_inner_texts()
    counts = items.locator(".facet-count").all_inner_texts()
    return {value.strip(): int(count) for value, count in zip(values, counts, strict=True)}


def search(page: Page, query: str) -> None:
    page.goto("/")
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def test_search_then_tick_an_area_narrows_results_and_counts(page: Page, artifacts: Path):
    search(page, "deep learning")
    assert "q=deep+learning" in page.url
    total = result_total(page)
    assert total > 1
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    expect(hits.locator(".snippet mark").first).to_be_visible()
    areas_before = facet_counts(page, "area")
    kinds_before = facet_counts(page, "kind")
    assert "Computer vision" in areas_before

    area_facet = page.locator('fieldset.facet[data-facet="area"]')
    area_facet.get_by_label("Computer vision").click()
    page.wait_for_url(re.compile(r"[?&]area=Computer\+vision(&|$)"))

    assert result_total(page) == areas_before["Computer vision"]
    expect(area_facet.get_by_label("Computer vision")).to_be_checked()
    expect(page.locator("a.chip", has_text="Computer vision")).to_be_visible()
    for hit in hits.all():
        areas = hit.locator(".hit-meta .area").all_text_contents()
        assert "Computer vision" in [area.removesuffix(" (inferred)") for area in areas]
    assert facet_counts(page, "kind") != kinds_before

    for width, height in [(1280, 900), (375, 812)]:
        page.set_viewport_size({"width": width, "height": height})
        path = artifacts / f"search-deep-learning-computer-vision-{width}.png"
        page.screenshot(path=str(path), full_page=True)
