"""People: the ครู ข candidates, the lecturers and the places (villages, subdistricts) they come from."""
