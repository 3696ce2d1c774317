// Progressive enhancement of the server-rendered search page: results, facets and the URL
// follow the user's input through /api/search, without page loads. Without JavaScript the
// same form submits and the server renders the same markup.
(() => {
  "use strict";

  const VISIBLE_VALUES = 8;
  const TYPING_DELAY_MS = 200;
  const PEOPLE_SHOWN = 6;
  const FALLBACK_NOTICE = "No page has all of your words, so pages with any of them are shown.";

  const form = document.getElementById("search-form");
  if (!form) return;
  const box = form.querySelector("#q");
  const sort = form.querySelector("#sort");
  const hideInferred = form.querySelector("#hide-inferred");
  const panel = form.querySelector(".filter-panel");
  const results = form.querySelector(".results");
  const count = results.querySelector(".result-count");
  const body = results.querySelector(".results-body");
  const expandedFacets = new Set();
  const FACET_FIELDS = [...form.querySelectorAll("fieldset.facet")].map((f) => f.dataset.facet);
  const narrowScreen = window.matchMedia("(max-width: 720px)");
  let typingTimer = 0;
  let inFlight = null;

  // An element with attributes and children: strings become text nodes, falsy ones are left out.
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children.filter(Boolean));
    return node;
  }

  function link(href, text, attributes = {}) {
    return el("a", { ...attributes, href }, text);
  }

  // title_html and snippet_html are escaped by the server with only <mark> added.
  function withMarkedHtml(node, html) {
    node.innerHTML = html;
    return node;
  }

  // ---- URL state -------------------------------------------------------------------------

  function searchUrl(pairs) {
    const query = new URLSearchParams(pairs).toString();
    return query ? `/search?${query}` : "/search";
  }

  function formParams() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const blank = name === "q" && !value.trim();
      if (!blank && !(name === "sort" && value === "relevance")) params.append(name, value);
    }
    return params;
  }

  // The links one result page offers, built from its response as web/views.py SearchUrls does.
  function searchLinks(data, requested) {
    const base = data.query ? [["q", data.query]] : [];
    for (const facet of FACET_FIELDS) {
      for (const value of data.filters[facet] || []) base.push([facet, value]);
    }
    if (data.inferred === false) base.push(["inferred", "0"]);
    if (data.sort !== "relevance") base.push(["sort", data.sort]);
    if (requested.has("per_page")) base.push(["per_page", String(data.per_page)]);
    if (data.exact) base.push(["exact", "1"]);
    const others = base.filter(([k]) => k !== "q" && k !== "exact");
    return {
      page: (n) => searchUrl(n > 1 ? [...base, ["page", String(n)]] : base),
      without: (facet, value) => searchUrl(base.filter(([k, v]) => k !== facet || v !== value)),
      withoutFilters: () => searchUrl(base.filter(([k]) => !FACET_FIELDS.includes(k))),
      query: (text) => searchUrl([["q", text], ...others]),
      exact: (text) => searchUrl([["q", text], ...others, ["exact", "1"]]),
    };
  }

  function recordHistory(params, mode) {
    const url = searchUrl(params);
    if (mode === "replace") window.history.replaceState(null, "", url);
    const here = window.location.pathname + window.location.search;
    if (mode === "push" && url !== here) window.history.pushState(null, "", url);
  }

  // ---- Fetching --------------------------------------------------------------------------

  async function fetchResults(params, signal) {
    const response = await fetch(`/api/search?${params}`, { signal }).catch(() => null);
    if (!response) throw new Error("the server could not be reached.");
    const data = await response.json().catch(() => null);
    if (response.ok && data) return data;
    throw new Error(data?.error?.message || `the server answered ${response.status}.`);
  }

  // Search for ``params``, cancelling any search still under way, then render and record it.
  // ``fromUrl``: the state comes from a link or back/forward, so the box follows it too.
  async function load(params, { history = "none", fromUrl = false } = {}) {
    inFlight?.abort();
    const request = new AbortController();
    inFlight = request;
    if (fromUrl) box.value = params.get("q") || "";
    results.setAttribute("aria-busy", "true");
    let data = null;
    let failure = null;
    try {
      data = await fetchResults(params, request.signal);
    } catch (error) {
      failure = error;
    }
    if (request.signal.aborted) return;
    const restoreFocus = rememberFocus();
    if (data) render(data, params);
    else renderError(failure.message, params);
    results.removeAttribute("aria-busy");
    recordHistory(params, history);
    restoreFocus();
  }

  function searchAsYouType() {
    window.clearTimeout(typingTimer);
    const search = () => load(formParams(), { history: "replace" });
    typingTimer = window.setTimeout(search, TYPING_DELAY_MS);
  }

  // ---- Rendering -------------------------------------------------------------------------

  function render(data, params) {
    const links = searchLinks(data, params);
    renderCount(data);
    renderFacets(data.facets);
    sort.value = data.sort;
    hideInferred.checked = data.inferred === false;
    body.replaceChildren(
      ...[
        correction(data, links),
        data.fallback && el("p", { class: "notice" }, FALLBACK_NOTICE),
        chips(data.filters, links),
        data.hits.length ? hitList(data) : noResults(data, links),
        pagination(data, links),
      ].filter(Boolean),
    );
    document.title = data.query ? `${data.query} · Research search` : "Research search";
  }

  function renderCount(data) {
    const total = data.total.toLocaleString("en-US");
    count.replaceChildren(data.total === 1 ? "1 result" : `${total} results`);
    const searched = data.showing_results_for || data.query;
    if (searched) count.append(" for ", el("strong", {}, `“${searched}”`));
  }

  function renderError(message, params) {
    count.replaceChildren("Search failed");
    const retry = el("button", { type: "button", class: "retry" }, "Try again");
    retry.addEventListener("click", () => load(params));
    body.replaceChildren(
      el(
        "div",
        { class: "search-error", role: "alert" },
        el("p", {}, el("strong", {}, "The search could not be run: "), message),
        el("p", {}, retry),
      ),
    );
  }

  function correction(data, links) {
    const corrected = data.showing_results_for;
    if (corrected) {
      return el(
        "p",
        { class: "suggestion" },
        "Showing results for ",
        link(links.query(corrected), el("strong", {}, corrected)),
        ". Search instead for ",
        link(links.exact(data.query), data.query),
        ".",
      );
    }
    if (!data.suggestion) return null;
    const text = data.suggestion;
    return el("p", { class: "suggestion" }, "Did you mean ", link(links.query(text), text), "?");
  }

  function activeFilters(filters) {
    return FACET_FIELDS.flatMap((facet) => (filters[facet] || []).map((value) => [facet, value]));
  }

  function chips(filters, links) {
    const active = activeFilters(filters);
    if (!active.length) return null;
    const chip = ([facet, value]) => {
      const remove = link(links.without(facet, value), `${value} `, {
        class: "chip",
        "aria-label": `Remove filter ${value}`,
      });
      remove.append(el("span", { "aria-hidden": "true" }, "×"));
      return el("li", {}, remove);
    };
    const clearAll = el("li", {}, link(links.withoutFilters(), "Clear all", { class: "clear-all" }));
    const list = el("ul", { class: "chips", "aria-label": "Active filters" });
    list.append(...active.map(chip), clearAll);
    return list;
  }

  function hitList(data) {
    const start = String((data.page - 1) * data.per_page + 1);
    return el("ol", { class: "hits", start }, ...data.hits.map(hitItem));
  }

  function hitItem(hit) {
    const title = el("h2", { class: "hit-title" });
    const linked = /^https?:\/\//.test(hit.url);
    withMarkedHtml(linked ? title.appendChild(el("a", { href: hit.url })) : title, hit.title_html);
    const meta = el(
      "p",
      { class: "hit-meta" },
      el("span", { class: "badge" }, hit.kind),
      hit.date && el("time", { datetime: hit.date }, hit.date),
      ...hit.areas.map((area) => el("span", { class: "area" }, area)),
      ...hit.areas_inferred.map(inferredArea),
    );
    const snippet = withMarkedHtml(el("p", { class: "snippet" }), hit.snippet_html);
    return el("li", { class: "hit" }, title, meta, snippet, people(hit.people));
  }

  // A guessed area looks different, and says so to screen readers and on hover.
  function inferredArea(area) {
    const title = form.dataset.inferredTitle;
    const hidden = el("span", { class: "visually-hidden" }, " (inferred)");
    return el("span", { class: "area area-inferred", title }, area, hidden);
  }

  function people(names) {
    if (!names.length) return null;
    const more = names.length > PEOPLE_SHOWN ? ` and ${names.length - PEOPLE_SHOWN} more` : "";
    return el("p", { class: "people" }, names.slice(0, PEOPLE_SHOWN).join(", ") + more);
  }

  function noResults(data, links) {
    const tips = el(
      "ul",
      {},
      data.suggestion && el("li", {}, "Try ", link(links.query(data.suggestion), data.suggestion), "."),
      activeFilters(data.filters).length &&
        el("li", {}, link(links.withoutFilters(), "Search again without filters"), "."),
      el("li", {}, "Use fewer or more general words, or check the spelling."),
    );
    const heading = data.query ? `No results for “${data.query}”` : "No results";
    return el("div", { class: "no-results" }, el("h2", {}, heading), tips);
  }

  function pagination(data, links) {
    if (data.pages <= 1) return null;
    const nav = el("nav", { class: "pagination", "aria-label": "Result pages" });
    if (data.page > 1) nav.append(link(links.page(data.page - 1), "← Previous", { rel: "prev" }));
    const last = Math.min(data.pages, data.page + 3);
    for (let n = Math.max(1, data.page - 3); n <= last; n += 1) {
      const label = String(n);
      const current = n === data.page;
      nav.append(current ? el("span", { "aria-current": "page" }, label) : link(links.page(n), label));
    }
    if (data.page < data.pages) nav.append(link(links.page(data.page + 1), "Next →", { rel: "next" }));
    return nav;
  }

  // ---- Facets ----------------------------------------------------------------------------

  function renderFacets(facets) {
    for (const fieldset of form.querySelectorAll("fieldset.facet")) {
      const facet = fieldset.dataset.facet;
      const values = facets[facet] || [];
      const ordered = [...values.filter((v) => v.selected), ...values.filter((v) => !v.selected)];
      fieldset.hidden = ordered.length === 0;
      fieldset.querySelector("ul").replaceChildren(...ordered.map((v) => facetItem(facet, v)));
      collapseFacet(fieldset);
    }
    const active = form.querySelectorAll(".facet input:checked").length;
    panel.querySelector(".filter-count").textContent = active ? `(${active} active)` : "";
  }

  function facetItem(facet, value) {
    const checkbox = el("input", { type: "checkbox", name: facet, value: value.value });
    checkbox.checked = value.selected;
    const label = el(
      "label",
      {},
      checkbox,
      el("span", { class: "facet-value" }, value.value),
      el("span", { class: "facet-count" }, String(value.count)),
    );
    return el("li", {}, label);
  }

  // Show the top values of a facet, and a button for the rest; ticked values always show.
  function collapseFacet(fieldset) {
    const list = fieldset.querySelector("ul");
    const rest = [...list.children].slice(VISIBLE_VALUES);
    const extra = rest.filter((li) => !li.querySelector(":checked"));
    const expanded = expandedFacets.has(fieldset.dataset.facet);
    for (const li of extra) li.hidden = !expanded;
    let button = fieldset.querySelector(".facet-more");
    if (!extra.length) {
      button?.remove();
      return;
    }
    if (!button) {
      button = el("button", { type: "button", class: "facet-more", "aria-controls": list.id });
      fieldset.append(button);
    }
    button.setAttribute("aria-expanded", String(expanded));
    button.textContent = expanded ? "Show fewer" : `Show ${extra.length} more`;
  }

  function toggleFacet(button) {
    const fieldset = button.closest("fieldset.facet");
    const facet = fieldset.dataset.facet;
    if (!expandedFacets.delete(facet)) expandedFacets.add(facet);
    collapseFacet(fieldset);
  }

  // Rendering replaces facet controls and results: give focus back to the same checkbox, or
  // move it from a link that is gone (a page, a chip) to the result count.
  function rememberFocus() {
    const active = document.activeElement;
    const facet = active?.closest("fieldset.facet")?.dataset.facet;
    return () => {
      if (!active || active.isConnected) return;
      if (!facet) {
        count.focus();
        return;
      }
      const inputs = form.querySelectorAll(`fieldset.facet[data-facet="${facet}"] input`);
      [...inputs].find((input) => input.value === active.value)?.focus();
    };
  }

  // ---- Wiring ----------------------------------------------------------------------------

  function onLinkClick(event) {
    const target = event.target.closest("a[href^='/search']");
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (!target || modified || event.button !== 0) return;
    event.preventDefault();
    load(new URL(target.href).searchParams, { history: "push", fromUrl: true });
  }

  function fitFilterPanel() {
    panel.open = !narrowScreen.matches;
  }

  form.classList.add("js");
  form.querySelectorAll("fieldset.facet").forEach(collapseFacet);
  fitFilterPanel();
  narrowScreen.addEventListener("change", fitFilterPanel);

  box.addEventListener("input", searchAsYouType);
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !box.value) return;
    event.preventDefault();
    box.value = "";
    searchAsYouType();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    load(formParams(), { history: "push" });
  });
  form.addEventListener("change", (event) => {
    if (!event.target.matches(".facet input[type=checkbox], #sort, #hide-inferred")) return;
    load(formParams(), { history: "push" });
  });
  form.addEventListener("click", (event) => {
    if (event.target.matches(".facet-more")) toggleFacet(event.target);
  });
  results.addEventListener("click", onLinkClick);
  window.addEventListener("popstate", () => {
    load(new URLSearchParams(window.location.search), { fromUrl: true });
  });
})();
