"""The weekly digest: every capability's ``digest`` sections, posted once a week."""
