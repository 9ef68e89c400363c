"""The feeds: ``render`` writes RSS, Atom and JSON Feed (the one feedgen user, no Flask),
``data`` reads what a feed shows, ``views`` answer the routes of ``blueprint``."""
