// Suggestions under the search box as you type, from /api/suggest: titles (open the page) and
// completed queries (search for them). An ARIA combobox: Up and Down move through the list,
// Enter chooses, Escape closes it. Without JavaScript the box is a plain search field.
(() => {
  "use strict";

  const DELAY_MS = 80;
  const box = document.getElementById("q");
  const list = document.getElementById("suggestions");
  if (!box || !list) return;
  const form = box.form;
  let timer = 0;
  let inFlight = null;
  let active = -1;
  let offered = [];

  function option(suggestion, index) {
    const item = document.createElement("li");
    item.id = `suggestion-${index}`;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.className = `suggestion-option suggestion-${suggestion.type}`;
    const kind = document.createElement("span");
    kind.className = "suggestion-kind";
    kind.textContent = suggestion.type === "title" ? "Page" : "Search";
    const text = document.createElement("span");
    text.className = "suggestion-text";
    text.textContent = suggestion.text;
    item.append(kind, text);
    item.addEventListener("mousedown", (event) => event.preventDefault());
    item.addEventListener("click", () => choose(index));
    return item;
  }

  function show(suggestions) {
    offered = suggestions;
    active = -1;
    list.replaceChildren(...suggestions.map(option));
    const open = suggestions.length > 0 && document.activeElement === box;
    list.hidden = !open;
    box.setAttribute("aria-expanded", String(open));
    box.removeAttribute("aria-activedescendant");
  }

  function close() {
    inFlight?.abort();
    window.clearTimeout(timer);
    show([]);
  }

  function highlight(index) {
    const items = list.querySelectorAll("[role=option]");
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index < 0) box.removeAttribute("aria-activedescendant");
    else {
      box.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }
  }

  function choose(index) {
    const suggestion = offered[index];
    close();
    if (!suggestion) return;
    if (suggestion.type === "title" && /^https?:\/\//.test(suggestion.url)) {
      window.location.assign(suggestion.url);
      return;
    }
    box.value = suggestion.type === "title" ? `"${suggestion.text}"` : suggestion.text;
    form.requestSubmit();
  }

  async function fetchSuggestions() {
    inFlight?.abort();
    const typed = box.value;
    if (!typed.trim()) {
      show([]);
      return;
    }
    const request = new AbortController();
    inFlight = request;
    try {
      const response = await fetch(`/api/suggest?${new URLSearchParams({ q: typed })}`, {
        signal: request.signal,
      });
      const data = response.ok ? await response.json() : null;
      if (!request.signal.aborted && box.value === typed) show(data ? data.suggestions : []);
    } catch {
      // A stale request was cancelled, or the server is away: offer nothing.
    }
  }

  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, DELAY_MS);
  });
  box.addEventListener("keydown", (event) => {
    const open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const count = offered.length;
      highlight(((active + 1 + step + count + 1) % (count + 1)) - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      event.stopImmediatePropagation();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopImmediatePropagation();
      close();
    }
  });
  box.addEventListener("blur", close);
  form.addEventListener("submit", close);
})();
