"""Resources: /resources, the catalogue of studies, briefs, laws, courses and videos."""
