"""Background work: periodic jobs (catalog sync, SLA checks) run by the scheduler."""
