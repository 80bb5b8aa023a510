"""The server's HTTP routes, one small module per concern."""
