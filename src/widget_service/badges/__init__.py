"""Membership badges and call banners (SVG and PNG) and the badge verification page.

By role: ``render`` draws badges and banners (pure functions, real text metrics, no Flask),
``compose`` says what a membership's badge or a call's banner shows in the current
language, ``verification`` checks tokens (no Flask), ``links`` makes them with the app's
keys, ``snippets`` are what a partner copies, ``views`` answer the routes of ``blueprint``.
"""
