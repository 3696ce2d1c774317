"""The one place our errors become HTTP statuses, as JSON for the API and HTML for pages."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.errors import IndexMissing
from search.errors import BadRequest


def error_response(status: int, code: str, message: str, headers: dict | None = None):
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message}}), status, headers or {}
    return render_template("error.html", status=status, message=message), status, headers or {}


def init_app(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def bad_request(error: BadRequest):
        return error_response(400, error.code, error.message)

    @app.errorhandler(IndexMissing)
    def index_missing(error: IndexMissing):
        return error_response(503, "index_missing", str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        # Keep what the error says beyond its body, such as `Allow` on a 405.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return error_response(error.code or 500, code, error.description or error.name, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
