"""Tools around the app (not part of it): the serving and Chromium helpers that bench/, scripts/ and tests/ share."""
