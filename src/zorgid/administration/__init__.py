"""Employee administration of an organisation (list, add, roles, WID check, hand-over) and the import."""
