"""Training rounds: planning, enrolment, attendance, completion and the round's summary."""
