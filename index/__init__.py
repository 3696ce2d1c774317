"""Sources -> clean Document records -> Whoosh index."""
