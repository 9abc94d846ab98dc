"""One module per framework, each building the same benchmark applications
in that framework's own idiom."""
