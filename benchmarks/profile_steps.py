"""The steps `python -m benchmarks.profile` reports, each named by the file and function
whose time it is (None: everything in that file or folder). Apart from the profiler so
that tests can check them without pyinstrument installed."""

# (label, file the function is in, function name)
REINDEX_STEPS = [
    ("reindex, in all", "index/reindex.py", "reindex"),
    ("load the manifest", "index/manifest.py", "load_manifest"),
    ("read changed files (scan)", "index/scan.py", "scan"),
    ("  bytes from disk", "index/readers.py", "_read_bytes"),
    ("  JSON parsing", "index/readers.py", "parse_json"),
    ("  charset detection", "index/decoding.py", "decode_html"),
    ("  BeautifulSoup + lxml parsing", "index/extract.py", "parse_html"),
    ("  visible-text walk", "index/extract.py", "visible_text"),
    ("  main content", "index/main_content.py", "main_content"),
    ("  article metadata (meta, JSON-LD, h1, time)", "index/html_page.py", "extract_article"),
    ("  content hash", "index/document.py", "_hash_of"),
    ("infer areas", "index/reindex.py", "infer"),
    ("  words of a page", "index/inference.py", "page_words"),
    ("read back the indexed documents", "index/reindex.py", "indexed_documents"),
    ("write the index", "index/reindex.py", "_write"),
    ("  Document -> fields", "index/schema.py", "document_fields"),
    ("  add_document (analysis, postings)", "whoosh/writing.py", "add_document"),
    ("  update_document (analysis, postings)", "whoosh/writing.py", "update_document"),
    ("    words and positions", "index/analysis.py", "positions"),
    ("    stored fields and lengths", "whoosh/codec/whoosh3.py", "add_field"),
    ("  commit (merge, write segment)", "whoosh/writing.py", "commit"),
    ("    postings, a block at a time", "index/segment_writer.py", "write_postings"),
    ("save the manifest", "index/manifest.py", "save_manifest"),
]
SEARCH_STEPS = [
    ("request, in all (Flask test client)", "flask/app.py", "wsgi_app"),
    ("engine.search", "search/engine.py", "search"),
    ("  searcher up to date? / open", "search/engine.py", "_fresh_generation"),
    ("  query parsing", "search/query.py", "parse_query"),
    ("  matching and BM25F scores (NumPy)", "search/engine.py", "_matching"),
    ("  filters", "search/facets.py", "selection_masks"),
    ("  facet counts", "search/facets.py", "facet_counts"),
    ("  ranked page (best N, lifts, hits)", "search/engine.py", "_page_of_hits"),
    ("    stored fields", "whoosh/reading.py", "stored_fields"),
    ("    title highlight", "search/highlight.py", "title_html"),
    ("    snippet highlight", "search/highlight.py", "snippet_html"),
    ("  did you mean", "search/suggest.py", "did_you_mean"),
    ("JSON rendering", "web/json_api.py", "response_json"),
    ("jsonify", "flask/json/__init__.py", "jsonify"),
]
