"""Country profiles: /country and `python -m bot country`, from content and the database."""
