"""Registers handle records with pyhandle (the Python tool's Handle client), one after the other.

Run by bench/real_handle.ts: `python pyhandle_register.py SERVER USER PASSWORD RECORDS`, where
RECORDS holds one record a line as `map --dry-run` writes it ({"handle", "URL", "data"}). Each
record goes out as the Python tool sent it: `register_handle_kv(handle, overwrite=True, URL=...,
**data)`, structured values as JSON text. The server's certificate is not verified (a local,
self-signed test server). Prints `{"handles": N, "seconds": S}` on stdout.
"""

import json
import sys
import time
import urllib.parse

import requests.adapters
import urllib3

from pyhandle.client.resthandleclient import RESTHandleClient

SERVER, USER, PASSWORD, RECORDS = sys.argv[1:5]
_send = requests.adapters.HTTPAdapter.send


def loopback_only(self, request, **kwargs):
    host = urllib.parse.urlsplit(request.url).hostname
    if host != "127.0.0.1":
        raise RuntimeError(f"pyhandle tried to reach {host}")
    kwargs["proxies"] = {}
    return _send(self, request, **kwargs)


requests.adapters.HTTPAdapter.send = loopback_only
urllib3.disable_warnings()

records = []
with open(RECORDS, encoding="utf-8") as lines:
    for line in lines:
        if line.strip():
            records.append(json.loads(line))

client = RESTHandleClient.instantiate_with_username_and_password(
    SERVER, USER, PASSWORD, HTTPS_verify=False
)
started = time.perf_counter()
for record in records:
    fields = {"URL": record["URL"]}
    for key, value in record["data"].items():
        fields[key] = value if isinstance(value, str) else json.dumps(value)
    client.register_handle_kv(record["handle"], overwrite=True, **fields)
print(json.dumps({"handles": len(records), "seconds": time.perf_counter() - started}))
