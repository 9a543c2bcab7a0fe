"""Healthcare organisations (zorgaanbieders), known by their URA (R-FLOW-UZIORG, R-FLOW-APPLY)."""
