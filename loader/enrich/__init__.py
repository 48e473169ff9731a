"""Enrich: the stages that turn parsed mentions into events with actors, dates, places and kinds.

They work in memory and write nothing; they fill in the mentions and events they are given (a
mention's actors, an event's date), so the order of the stages in `loader.build` matters."""
