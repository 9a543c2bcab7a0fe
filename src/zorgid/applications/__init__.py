"""Organisation applications (R-FLOW-APPLY): from the technisch beheerder's form to the first login."""
