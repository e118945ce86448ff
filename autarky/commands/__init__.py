"""The commands of the `autarky` command line, one module per concept."""
