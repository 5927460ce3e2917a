"""Demo generators: a deterministic demo province, its attendance, budget and registrations."""
