"""The desktop's side of sync with the central server: enrolment, push, pull, conflicts."""
