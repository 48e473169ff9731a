"""China–Russia relations events: a loader that builds events.db from source documents."""
