"""Flask app factory: the HTML search page and the JSON API, both thin over search/."""

import os
from pathlib import Path

from flask import Flask

from search.engine import SearchEngine
from search.generation import RESPONSES_KEPT
from search.synonyms import load_synonyms


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``INDEX_DIR`` comes from ``config``, else RESEARCH_SEARCH_INDEX,
    else ``var/index``; ``TAXONOMY`` (optional) names a research-area JSON to use;
    ``SYNONYMS`` (optional, RESEARCH_SEARCH_SYNONYMS) a file of synonym groups to add;
    ``RESPONSE_CACHE`` (RESEARCH_SEARCH_RESPONSE_CACHE, default 512) how many answers
    each worker remembers per state of the index (0: none); ``FREEZE_GC``
    (RESEARCH_SEARCH_FREEZE_GC, default 1) whether what the engine keeps is put out of
    the cyclic garbage collector's way (``SearchEngine``'s ``freeze``; off in tests)."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("RESEARCH_SEARCH_INDEX", "var/index"),
        TAXONOMY=os.environ.get("RESEARCH_SEARCH_TAXONOMY") or None,
        SYNONYMS=os.environ.get("RESEARCH_SEARCH_SYNONYMS") or None,
        RESPONSE_CACHE=int(os.environ.get("RESEARCH_SEARCH_RESPONSE_CACHE") or RESPONSES_KEPT),
        FREEZE_GC=os.environ.get("RESEARCH_SEARCH_FREEZE_GC", "1") != "0",
    )
    if config:
        app.config.update(config)
    app.config["INDEX_DIR"] = str(Path(app.config["INDEX_DIR"]).resolve())
    app.extensions["search_engine"] = SearchEngine(
        Path(app.config["INDEX_DIR"]),
        load_synonyms(app.config["SYNONYMS"]),
        responses_kept=app.config["RESPONSE_CACHE"],
        freeze=app.config["FREEZE_GC"] and not app.testing,
    )

    from web import cli, errors, headers, json_provider, views

    json_provider.init_app(app)
    app.register_blueprint(views.blueprint)
    errors.init_app(app)
    headers.init_app(app)
    cli.init_app(app)
    return app
