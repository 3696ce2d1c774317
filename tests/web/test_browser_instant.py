"""Browser tests: the page updates in place as you type and filter, and still works without JS."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(open_page):
    return open_page(java_script_enabled=False)


def count_text(page: Page):
    return page.locator("p.result-count")


def facet(page: Page, name: str):
    return page.locator(f'fieldset.facet[data-facet="{name}"]')


def facet_counts(page: Page, name: str) -> dict[str, int]:
    items = facet(page, name).locator("li")
    values = items.locator(".facet-value").all_inner_texts()
    counts = items.locator(".facet-count").all_inner_texts()
    return {value: int(n) for value, n in zip(values, counts, strict=True)}


def mark_document(page: Page) -> None:
    """Leave a marker on window: a full page load would wipe it."""
    page.evaluate("window.__samePage = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"


def type_query(page: Page, text: str) -> None:
    """Type, wait for the results, then leave the box (which closes its suggestions)."""
    page.locator("#q").fill(text)
    expect(count_text(page)).to_contain_text(f"for “{text}”")
    page.locator("#q").blur()


def test_typing_updates_results_without_a_page_load(page: Page):
    page.goto("/")
    mark_document(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/search" in r.url else None)

    page.locator("#q").press_sequentially("genome", delay=30)

    expect(count_text(page)).to_have_text(re.compile(r"^\s*\d+ results? for “genome”\s*$"))
    expect(page).to_have_url(re.compile(r"/search\?q=genome$"))
    expect(page.locator("li.hit .snippet mark").first).to_have_text(re.compile("genom", re.I))
    assert_same_document(page)
    assert len(requests) < len("genome"), "typing is debounced: not one request per key"


def test_facet_click_narrows_results_and_counts_change(page: Page):
    page.goto("/")
    mark_document(page)
    type_query(page, "deep learning")
    areas = facet_counts(page, "area")
    kinds = facet_counts(page, "kind")

    facet(page, "area").get_by_label("Computer vision").click()

    expect(page).to_have_url(re.compile(r"area=Computer\+vision"))
    expect(count_text(page)).to_contain_text(f"{areas['Computer vision']} results")
    expect(page.locator("a.chip", has_text="Computer vision")).to_be_visible()
    expect(facet(page, "area").get_by_label("Computer vision")).to_be_checked()
    assert facet_counts(page, "kind") != kinds
    assert_same_document(page)


def test_selected_facet_value_is_listed_first(page: Page):
    page.goto("/search?q=learning")
    facet(page, "area").get_by_label("Algorithms").click()
    expect(facet(page, "area").locator("li").first).to_contain_text("Algorithms")
    expect(facet(page, "area").locator("li input").first).to_be_checked()


def test_back_button_restores_query_results_and_checkbox(page: Page):
    page.goto("/search?q=deep+learning")
    mark_document(page)
    before = count_text(page).inner_text()
    checkbox = facet(page, "area").get_by_label("Computer vision")
    checkbox.click()
    expect(page).to_have_url(re.compile(r"area=Computer\+vision"))
    expect(count_text(page)).not_to_have_text(before)
    page.locator("#q").fill("genome")
    expect(count_text(page)).to_contain_text("“genome”")

    page.go_back()

    expect(page).to_have_url(re.compile(r"/search\?q=deep\+learning$"))
    expect(page.locator("#q")).to_have_value("deep learning")
    expect(count_text(page)).to_have_text(before)
    expect(checkbox).not_to_be_checked()
    page.go_forward()
    expect(checkbox).to_be_checked()
    assert_same_document(page)


def test_page_links_and_chips_update_in_place(page: Page):
    page.goto("/search?q=learning&kind=project&per_page=2")
    mark_document(page)
    page.locator(".pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"per_page=2&page=2$"))
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
    expect(page.locator("ol.hits")).to_have_attribute("start", "3")

    page.locator("a.chip", has_text="project").click()
    expect(page).to_have_url(re.compile(r"/search\?q=learning&per_page=2$"))
    expect(count_text(page)).to_be_focused()
    expect(page.locator("a.chip")).to_have_count(0)
    expect(facet(page, "kind").get_by_label("project")).not_to_be_checked()
    assert_same_document(page)


def test_show_more_reveals_the_rest_of_a_long_facet(page: Page):
    page.goto("/")
    values = facet(page, "area").locator("li")
    more = facet(page, "area").get_by_role("button", name=re.compile(r"Show \d+ more"))
    expect(values.locator("visible=true")).to_have_count(8)
    total = values.count()

    more.click()
    expect(values.locator("visible=true")).to_have_count(total)
    expect(facet(page, "area").locator(".facet-more")).to_have_attribute("aria-expanded", "true")
    facet(page, "area").get_by_role("button", name="Show fewer").click()
    expect(values.locator("visible=true")).to_have_count(8)


def test_keyboard_alone_reaches_a_result_from_the_search_box(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("deep learning")
    page.keyboard.press("Enter")
    expect(count_text(page)).to_contain_text("“deep learning”")

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.hit-title a')"):
            break
    focused = page.locator(".hit-title a:focus")
    expect(focused).to_have_count(1)
    assert focused.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"


def test_ticking_a_facet_with_the_keyboard_keeps_focus_on_it(page: Page):
    page.goto("/search?q=learning")
    checkbox = facet(page, "kind").get_by_label("project")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(page.locator("a.chip", has_text="project")).to_be_visible()
    expect(checkbox).to_be_checked()
    expect(checkbox).to_be_focused()


def test_escape_clears_the_search_box_and_shows_everything(page: Page):
    page.goto("/search?q=genome")
    page.locator("#q").press("Escape")
    expect(page.locator("#q")).to_have_value("")
    expect(count_text(page)).to_have_text(re.compile(r"^\s*36 results\s*$"))
    expect(page).to_have_url(re.compile(r"/search$"))


def test_typed_markup_is_shown_as_text(page: Page):
    page.goto("/")
    query = "<img src=x onerror=window.__xss=1>"
    type_query(page, query)
    expect(page.locator(".no-results h2")).to_have_text(f"No results for “{query}”")
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__xss") is None


def test_without_javascript_the_form_searches_and_filters(no_js_page: Page):
    page = no_js_page
    page.goto("/")
    page.locator("#q").fill("deep learning")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=deep\+learning"))
    areas = facet_counts(page, "area")
    expect(page.locator(".facet-more")).to_have_count(0)
    expect(facet(page, "area").locator("li").last).to_be_visible()

    facet(page, "area").get_by_label("Computer vision").check()
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"area=Computer\+vision"))
    expect(count_text(page)).to_contain_text(f"{areas['Computer vision']} results")
    expect(facet(page, "area").get_by_label("Computer vision")).to_be_checked()


def test_inferred_areas_are_outlined_and_the_switch_hides_them_in_place(page: Page):
    page.goto("/search?q=innovation+gap")
    mark_document(page)
    expect(page.locator(".area-inferred").first).to_be_visible()

    page.get_by_label("Hide inferred areas").check()
    expect(page).to_have_url(re.compile(r"[?&]inferred=0(&|$)"))
    expect(page.locator(".area-inferred")).to_have_count(0)
    page.go_back()

    # Drawn by the script this time, from the API's answer.
    chip = page.locator("li.hit .area-inferred", has_text="Artificial intelligence").first
    expect(chip).to_be_visible()
    expect(chip).to_have_text("Artificial intelligence (inferred)")
    expect(chip).to_have_attribute("title", re.compile("names no research area"))
    assert chip.evaluate("c => getComputedStyle(c).borderTopStyle") == "dashed"
    expect(page.get_by_label("Hide inferred areas")).not_to_be_checked()
    assert_same_document(page)


def test_without_javascript_the_switch_hides_inferred_areas(no_js_page: Page):
    page = no_js_page
    page.goto("/search?q=innovation+gap")
    expect(page.locator(".area-inferred").first).to_be_visible()
    page.get_by_label("Hide inferred areas").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"inferred=0"))
    expect(page.locator(".area-inferred")).to_have_count(0)
    expect(page.get_by_label("Hide inferred areas")).to_be_checked()


def test_no_console_errors_while_typing_filtering_and_paging(page: Page):
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} ({msg.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/")
    type_query(page, "learning")
    facet(page, "kind").get_by_label("project").click()
    expect(page.locator("a.chip")).to_have_count(1)
    page.locator("#sort").select_option("newest")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    page.go_back()
    expect(page.locator("#sort")).to_have_value("relevance")

    assert errors == []


def test_api_failure_shows_an_error_and_no_stale_results(page: Page):
    page.goto("/search?q=deep+learning")
    expect(page.locator("li.hit").first).to_be_visible()

    def fail(route: Route) -> None:
        route.fulfill(status=500, content_type="text/plain", body="upstream down")

    page.route("**/api/search?*", fail)
    page.locator("#q").fill("genome")

    expect(page.get_by_role("alert")).to_contain_text("The search could not be run")
    expect(page.locator("li.hit")).to_have_count(0)


def test_screenshots_at_desktop_and_phone_widths(page: Page, artifacts: Path):
    page.goto("/")
    type_query(page, "learning")
    facet(page, "area").get_by_label("Computer vision").click()
    expect(page.locator("a.chip", has_text="Computer vision")).to_be_visible()

    page.screenshot(path=str(artifacts / "page-1280.png"))
    page.set_viewport_size({"width": 375, "height": 812})
    expect(page.locator(".filter-panel > summary")).to_be_visible()
    page.screenshot(path=str(artifacts / "page-375.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
