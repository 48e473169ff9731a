"""Enrich: turn parsed mentions into events with actors and dates; no SQLite here. Some stages write into
the records they are given (dating sets mention and event dates): each module says which."""
