"""Enrich: pure functions that turn parsed mentions into events with actors and dates."""
