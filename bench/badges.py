"""Badges per second: rendered cold, served warm, beside Flask's own ceiling.

Cold: the badge SVG (and PNG) is rendered from a membership each time, as the route does
for a request it has not seen. Warm: the same route asked again with its ETag, answered
304. Ceiling: a bare Flask route that returns fixed bytes, the most the framework itself
can do on this machine. Prints requests per second and each figure's ratio to the
ceiling. SQLite in a temporary folder; nothing leaves the process (test client).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable

from flask import Flask

from _data import fresh_database  # bench/ is on sys.path when run as a script
from widget_service import create_app
from widget_service.badges.render import flat_badge, seal_badge
from widget_service.raster import svg_to_png

COUNT = 400
PA = "niedersachsen-packt-an"
PARTNERS = ("stadt-sehnde", "landkreis-peine", "landeskirche-hannovers", "dgb-niedersachsen")


def _per_second(count: int, work: Callable[[int], object]) -> float:
    work(0)  # warm imports and caches once
    began = time.perf_counter()
    for number in range(count):
        work(number)
    return count / (time.perf_counter() - began)


def _bare_app() -> Flask:
    app = Flask("bare")
    body = b"<svg xmlns='http://www.w3.org/2000/svg'/>"

    @app.get("/fixed.svg")
    def fixed() -> tuple[bytes, int, dict[str, str]]:
        return body, 200, {"Content-Type": "image/svg+xml"}

    return app


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        fresh_database(url).dispose()
        os.environ["WIDGETS_INSTANCE_PATH"] = folder
        app = create_app({"ENV": "test", "SECRET_KEY": "b" * 40, "DATABASE_URL": url})
        client = app.test_client()
        bare = _bare_app().test_client()

        def badge_url(number: int, fmt: str = "svg") -> str:
            partner = PARTNERS[number % len(PARTNERS)]
            return f"/badge/{PA}/{partner}.{fmt}"

        etags = {badge_url(n): client.get(badge_url(n)).headers["ETag"] for n in range(4)}
        figures = {
            "bare Flask route, fixed bytes": _per_second(COUNT, lambda n: bare.get("/fixed.svg")),
            "badge SVG, rendered (route)": _per_second(COUNT, lambda n: client.get(badge_url(n))),
            "seal SVG, rendered (route)": _per_second(
                COUNT, lambda n: client.get(badge_url(n) + "?style=seal")
            ),
            "badge SVG, warm (304 by ETag)": _per_second(
                COUNT,
                lambda n: client.get(badge_url(n), headers={"If-None-Match": etags[badge_url(n)]}),
            ),
            "badge PNG, rendered (route)": _per_second(
                COUNT // 4, lambda n: client.get(badge_url(n, "png"))
            ),
            "banner 1200x630 PNG (route)": _per_second(
                COUNT // 10,
                lambda n: client.get(f"/banner/{PA}/partner-werden.png?size=1200x630"),
            ),
        }
        svg = flat_badge("Niedersachsen packt an", "Mitglied seit 2020", brand="#00589c", title="t")
        pure = {
            "flat_badge() alone": _per_second(
                COUNT * 5,
                lambda n: flat_badge(f"Bündnis {n}", "Mitglied seit 2020", brand=None, title="t"),
            ),
            "seal_badge() alone": _per_second(
                COUNT * 5,
                lambda n: seal_badge(
                    "Niedersachsen packt an", f"Partner Nummer {n}", "seit 2020", brand=None,
                    title="t",
                ),
            ),
            "svg_to_png() alone": _per_second(COUNT // 4, lambda n: svg_to_png(svg)),
        }  # fmt: skip
    ceiling = figures["bare Flask route, fixed bytes"]
    print(f"{'what':<34} {'per second':>12}   ratio to bare Flask")
    for name, rate in figures.items():
        print(f"{name:<34} {rate:>12,.0f}   {rate / ceiling:6.2f}")
    print()
    for name, rate in pure.items():
        print(f"{name:<34} {rate:>12,.0f}")


if __name__ == "__main__":
    main()
