"""Privacy: /privacy show, export and forget, over every capability's privacy hook."""
