"""Sanitising from many threads at once (federation's pool, gunicorn's threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from widget_service.sanitize import clean_html, plain_text


def test_cleaning_in_parallel_threads_gives_what_cleaning_in_one_does() -> None:
    fragments = [
        f"<p onclick='x()'>Absatz {n} <b>fett</b><script>alert({n})</script>"
        f"<a href='https://example.org/{n}'>Link</a></p><ul><li>{n}</li></ul>"
        for n in range(400)
    ]
    expected = [(clean_html(f), plain_text(f)) for f in fragments]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda f: (clean_html(f), plain_text(f)), fragments))
    assert got == expected
