"""Pure rules of the portal: no Reflex, no database, the clock passed in."""
