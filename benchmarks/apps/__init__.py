"""One module per framework, each building the same benchmark applications
in that framework's own idiom; signed_cookie.py is the session of the two
that have none (bare Werkzeug and Falcon)."""
