"""Drives pyhandle's RESTHandleClient against a Handle server and prints what it saw as JSON.

Run by tests/handle_server/pyhandle_test.ts with the server URL, user, password and prefix
as arguments (HTTPS certificates are not checked: the test servers' are self-signed). Every HTTP request pyhandle makes goes through a guard that refuses any host
other than 127.0.0.1, and proxies from the environment are ignored.
"""

import json
import sys
import urllib.parse
import warnings

import requests
import requests.adapters

from pyhandle.client.resthandleclient import RESTHandleClient
from pyhandle.handleexceptions import (
    GenericHandleError,
    HandleAlreadyExistsException,
    HandleAuthenticationError,
    HandleNotFoundException,
)

SERVER, USER, PASSWORD, PREFIX = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
requests_seen = []
_send = requests.adapters.HTTPAdapter.send


def loopback_only(self, request, **kwargs):
    host = urllib.parse.urlsplit(request.url).hostname
    requests_seen.append(f"{request.method} {request.url}")
    if host != "127.0.0.1":
        raise RuntimeError(f"pyhandle tried to reach {host}")
    kwargs["proxies"] = {}
    return _send(self, request, **kwargs)


warnings.filterwarnings("ignore")  # urllib3 warns about unverified HTTPS
requests.adapters.HTTPAdapter.send = loopback_only
_session_init = requests.Session.__init__


def no_environment(self, *args, **kwargs):
    _session_init(self, *args, **kwargs)
    self.trust_env = False


requests.Session.__init__ = no_environment

report = {}


def outcome(name, fn):
    try:
        report[name] = {"ok": True, "value": fn()}
    except Exception as error:  # the test asserts on the exception's class
        report[name] = {"ok": False, "error": type(error).__name__, "message": str(error)[:300]}


client = RESTHandleClient.instantiate_with_username_and_password(SERVER, USER, PASSWORD, HTTPS_verify=False)
H = PREFIX + "/pyhandle-1"

outcome("register", lambda: client.register_handle(H, "https://example.org/one", checksum="abc", FILE_SIZE=1024))
outcome("register_again", lambda: client.register_handle(H, "https://example.org/two"))
outcome("register_overwrite", lambda: client.register_handle(H, "https://example.org/two", overwrite=True, FILE_SIZE=2048))
outcome("record", lambda: client.retrieve_handle_record(H))
outcome("record_json", lambda: client.retrieve_handle_record_json(H))
outcome("get_value", lambda: client.get_value_from_handle(H, "URL"))
outcome("modify", lambda: client.modify_handle_value(H, URL="https://example.org/three"))
outcome("after_modify", lambda: client.get_value_from_handle(H, "URL"))
outcome("add", lambda: client.add_handle_value(H, EXTRA="added"))
outcome("after_add", lambda: client.retrieve_handle_record(H))
outcome("delete_value", lambda: client.delete_handle_value(H, "EXTRA"))
outcome("after_delete_value", lambda: client.retrieve_handle_record(H))
outcome("delete", lambda: client.delete_handle(H))
outcome("after_delete", lambda: client.retrieve_handle_record(H))
outcome("not_found_value", lambda: client.get_value_from_handle(PREFIX + "/never", "URL"))
outcome("not_found_delete", lambda: client.delete_handle(PREFIX + "/never"))
outcome("foreign_prefix", lambda: client.register_handle("21.OTHER/x", "https://example.org/x"))
outcome("foreign_prefix_overwrite", lambda: client.register_handle("21.OTHER/x", "https://example.org/x", overwrite=True))
outcome("user_handle", lambda: client.retrieve_handle_record(PREFIX + "/testuser"))


def wrong_password():
    bad = RESTHandleClient.instantiate_with_username_and_password(
        SERVER, USER, "not-the-password", HTTPS_verify=False
    )
    return bad.register_handle(PREFIX + "/pyhandle-bad", "https://example.org/bad")


outcome("wrong_password", wrong_password)
report["requests"] = requests_seen
print(json.dumps(report))
