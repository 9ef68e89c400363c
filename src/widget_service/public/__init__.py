"""The public pages: landing page, alliance pages, listings and item pages."""
