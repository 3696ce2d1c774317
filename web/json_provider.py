"""Flask's JSON through orjson: a page of results serialises several times faster."""

from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import JSONProvider


class OrjsonProvider(JSONProvider):
    """``jsonify`` and ``request.json`` by orjson: UTF-8 out, keys in the order given."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj).decode("utf-8")

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        # The bytes go out as they are, without a round trip through str.
        body = orjson.dumps(self._prepare_response_obj(args, kwargs))
        return self._app.response_class(body, mimetype="application/json")


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
