"""The session of the frameworks that have none (bare Werkzeug, Falcon): a
JSON object in a cookie, base64url-encoded and signed with HMAC-SHA256.
Standard library only, so that importing it brings no framework into a
worker."""
import base64
import hashlib
import hmac
import json


def json_cookie(secret):
    """Return ``(load, dump)`` for cookies signed with ``secret``:
    ``load(value)`` gives the dict a cookie value holds, or an empty dict
    when the value is missing or its signature is wrong; ``dump(data)``
    gives the signed cookie value of a dict."""
    key = secret.encode()

    def sign(payload):
        mac = hmac.new(key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=")

    def load(value):
        payload, _, signature = value.encode().rpartition(b".")
        if not hmac.compare_digest(sign(payload), signature):
            return {}
        return json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))

    def dump(data):
        payload = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")
        return (payload + b"." + sign(payload)).decode()

    return load, dump
