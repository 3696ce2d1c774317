"""Browser tests: suggestions under the box as you type, chosen with the keyboard or a click."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser


def listbox(page: Page):
    return page.locator("#suggestions")


def options(page: Page):
    return listbox(page).get_by_role("option")


def test_suggestions_appear_as_you_type_and_arrow_keys_move_through_them(page: Page):
    page.goto("/")
    page.locator("#q").press_sequentially("sign lang", delay=40)
    expect(listbox(page)).to_be_visible()
    expect(page.locator("#q")).to_have_attribute("aria-expanded", "true")
    expect(options(page).first).to_contain_text("Sign Language")

    page.keyboard.press("ArrowDown")
    expect(options(page).first).to_have_attribute("aria-selected", "true")
    first_id = options(page).first.get_attribute("id")
    expect(page.locator("#q")).to_have_attribute("aria-activedescendant", first_id)
    page.keyboard.press("ArrowDown")
    expect(options(page).nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(options(page).first).to_have_attribute("aria-selected", "true")

    page.keyboard.press("Escape")
    expect(listbox(page)).to_be_hidden()
    expect(page.locator("#q")).to_have_value("sign lang")


def test_enter_on_a_query_suggestion_searches_for_it(page: Page):
    page.goto("/")
    page.locator("#q").press_sequentially("neural n", delay=40)
    query_options = listbox(page).locator(".suggestion-query")
    expect(query_options.first).to_contain_text("neural network")
    titles = listbox(page).locator(".suggestion-title").count()
    for _ in range(titles + 1):
        page.keyboard.press("ArrowDown")
    expect(query_options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=neural\+network"))
    expect(page.locator("p.result-count")).to_contain_text("for “neural network")
    expect(listbox(page)).to_be_hidden()


def test_choosing_a_title_opens_its_page(page: Page):
    group = "https://www.microsoft.com/en-us/research/group/deep-learning-group/"

    def fake_site(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<title>Group page</title>")

    page.route("https://www.microsoft.com/**", fake_site)
    page.goto("/")
    page.locator("#q").press_sequentially("deep learning g", delay=40)
    first = options(page).first
    expect(first).to_contain_text("Deep Learning Group")
    first.click()
    page.wait_for_url(group)


def test_a_misspelt_query_shows_the_correction_and_searching_the_original_exactly(page: Page):
    page.goto("/")
    page.locator("#q").fill("deep lerning")
    notice = page.locator(".suggestion")
    expect(notice).to_contain_text("Showing results for deep learning")
    notice.get_by_role("link", name="deep lerning").click()
    expect(page).to_have_url(re.compile(r"exact=1"))
    expect(page.locator(".suggestion")).to_contain_text("Did you mean deep learning?")
    expect(page.locator(".notice")).to_contain_text("No page has all of your words")
