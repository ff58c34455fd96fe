"""A toy capability that exists only to prove one record is enough to add a capability."""
