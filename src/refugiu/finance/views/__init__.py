"""Grant finance's staff pages, a module per topic."""
