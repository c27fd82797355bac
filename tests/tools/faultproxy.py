#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small fault-injecting HTTP proxy for the registry tests (stdlib only).

Sits between gadget and a plain-HTTP registry on loopback and, for requests
whose path matches --match (a regex), injects one fault:

  --corrupt          flip one byte of every matching 200 response body
  --cut N            send half of the first N matching bodies, then drop the connection
  --status CODE --times N
                     answer the first N matching requests with CODE and an OCI error body
  --delay SEC        wait SEC seconds before answering matching requests
  --rate BPS         stream matching 200 bodies at about BPS bytes a second
                     (a slow link: long enough to kill a client mid-blob)
  --redirect         answer matching GETs with 307 to this proxy under another
                     host name ("localhost" for "127.0.0.1"), like a registry
                     sending blobs to a storage backend; the redirected request
                     is logged with "auth" when it carried an Authorization
                     header, and fetched upstream with --upstream-auth USER:PASS
                     (the backend's own presigned access)

  --interim          precede matching answers with a 100 Continue carrying
                     headers of its own (Docker-Content-Digest, Content-Type,
                     Location): a client must take the final answer's only
  --extra-challenge V
                     add a second WWW-Authenticate header V after every
                     challenge (RFC 7235: a 401 may offer several)

  --redirect-401     with --redirect: the host redirected to answers 401 with a
                     Bearer challenge naming its own realm (a second host
                     asking for the registry's credentials)

Hostile bodies, for matching requests (answered here, with --body-status,
never forwarded):

  --endless          an endless chunked body, as fast as the client reads
  --drip BPS         an endless chunked body at BPS bytes a second
  --oversized N      a Content-Length: N body (sent in full if read)

With --bearer USER:PASS the proxy is a token-auth front (Docker's "Token
Authentication Specification"): /v2/ requests need "Bearer <token>", a 401
names the realm /__faultproxy/token, which hands a token for the asked scope
to Basic USER:PASS (logged as "TOKEN scope=... ok|denied HOST auth|noauth").
With --switch-realm the first token opens /v2/ only; requests for a
repository are challenged again with the realm on the other host name.

--realm URL names URL as the token realm in its challenges instead (a token
server elsewhere); --tls CERT:KEY serves https.

With --basic USER:PASS every request needs that Basic authorization (logged
as "BASIC PATH auth|noauth"); no upstream is used.

With --referrers-api the proxy adds distribution-spec v1.1's referrers API
to a registry without it (distribution 2.8): a manifest PUT whose body has
a "subject" is answered with "OCI-Subject: <subject digest>" ("Pushing
Manifests with Subject") and remembered, and GET /v2/<repo>/referrers/<digest>
[?artifactType=T] answers the image index of what was remembered for that
digest ("Listing Referrers"), filtered by T with "OCI-Filters-Applied:
artifactType".  Logged as "REFERRERS <repo> <digest> <artifactType|-> N".

--listen takes loopback addresses, or any address inside a private network
namespace (tests/tools/netns.bash), never one on the machine's own network.

GET /__faultproxy/health answers 200; GET /__faultproxy/log lists the
requests seen as "METHOD PATH STATUS" lines.  Bounded: listens on loopback
only and exits after --lifetime seconds.
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import ssl
import sys
import threading
import time

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
              "te", "trailer", "upgrade"}
CHUNK = 256 * 1024
INDEX = "application/vnd.oci.image.index.v1+json"
DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.log = []
        self.cut_left = args.cut
        self.status_left = args.times
        self.token = "tok-" + str(time.time_ns())
        self.repo_token = self.token + "-repo"
        # --referrers-api: (repo, subject digest) -> {referrer digest: descriptor}
        self.referrers = {}

    def remember_referrer(self, repo, body, ctype):
        """The descriptor "Listing Referrers" gives a manifest or index with a subject."""
        try:
            doc = json.loads(body)
            subject = doc["subject"]["digest"]
        except (ValueError, KeyError, TypeError):
            return None
        media_type = doc.get("mediaType") or ctype
        desc = {"mediaType": media_type, "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
                "size": len(body)}
        # a manifest without artifactType lists its config's media type; an index, none
        at = doc.get("artifactType")
        if not at and media_type != INDEX:
            at = (doc.get("config") or {}).get("mediaType")
        if at:
            desc["artifactType"] = at
        if doc.get("annotations"):
            desc["annotations"] = doc["annotations"]
        with self.lock:
            self.referrers.setdefault((repo, subject), {})[desc["digest"]] = desc
        return subject

    def list_referrers(self, repo, digest, artifact_type):
        with self.lock:
            found = list(self.referrers.get((repo, digest), {}).values())
        if artifact_type is not None:
            found = [d for d in found if d.get("artifactType") == artifact_type]
        return {"schemaVersion": 2, "mediaType": INDEX, "manifests": found}

    def take(self, attr):
        with self.lock:
            left = getattr(self, attr)
            if left > 0:
                setattr(self, attr, left - 1)
                return True
            return False


def make_handler(state):
    args = state.args
    host_name, port = args.listen.rsplit(":", 1)
    up_host, up_port = args.upstream.rsplit(":", 1)

    other_host = "localhost" if host_name == "127.0.0.1" else "127.0.0.1"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def record(self, status):
            with state.lock:
                state.log.append(f"{self.command} {self.path} {status}")

        def send_simple(self, status, body, ctype="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            if not self.path.startswith("/__faultproxy/"):
                self.record(status)

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                parts = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(parts)
            return self.rfile.read(n) if n else b""

        def challenge(self, realm_host, scope=""):
            realm = args.realm or f"http://{realm_host}:{port}/__faultproxy/token"
            self.send_response(401)
            self.send_header("WWW-Authenticate",
                             f'Bearer realm="{realm}",service="faultproxy"{scope}')
            self.extra_challenge()
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"token required"}]}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.record(401)

        def extra_challenge(self):
            if args.extra_challenge:
                self.send_header("WWW-Authenticate", args.extra_challenge)

        def interim(self):
            """--interim: a 1xx answer whose headers must not be taken for the final one's."""
            self.send_response_only(100)
            self.send_header("Docker-Content-Digest", "sha256:" + "0" * 64)
            self.send_header("Content-Type", "application/x-interim")
            self.send_header("Location", "/__faultproxy/interim")
            self.end_headers()

        def hostile_body(self):
            """--endless, --drip, --oversized: a body no client should take whole."""
            self.send_response(args.body_status)
            self.send_header("Content-Type", args.body_type)
            if args.oversized:
                self.send_header("Content-Length", str(args.oversized))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.record(args.body_status)
            deadline = time.time() + args.lifetime
            try:
                if args.oversized:
                    left = args.oversized
                    while left > 0:
                        n = min(left, CHUNK)
                        self.wfile.write(b" " * n)
                        left -= n
                    return
                step = max(1, args.drip) if args.drip else CHUNK
                data = b"{" + b" " * (step - 1)
                while time.time() < deadline:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                    data = b" " * step
                    if args.drip:
                        time.sleep(1)
            except OSError:
                pass    # the client gave up: what it should do
            self.close_connection = True

        def handle_any(self):
            redirected = self.path.startswith("/__faultproxy/redirected/")
            if redirected:
                self.path = self.path[len("/__faultproxy/redirected"):]
                with state.lock:
                    state.log.append(f"REDIRECTED {self.command} {self.path} "
                                     f"{'auth' if self.headers.get('Authorization') else 'noauth'}")
                if args.redirect_401:
                    return self.challenge(self.headers.get("Host", "").rsplit(":", 1)[0])
            if self.path == "/__faultproxy/health":
                return self.send_simple(200, "ok\n", "text/plain")
            if self.path == "/__faultproxy/log":
                with state.lock:
                    text = "".join(line + "\n" for line in state.log)
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            matches = re.search(args.match, self.path) is not None
            if matches and (args.endless or args.drip or args.oversized):
                self.read_body()
                return self.hostile_body()
            if args.basic:
                want = "Basic " + base64.b64encode(args.basic.encode()).decode()
                got = self.headers.get("Authorization")
                with state.lock:
                    state.log.append(f"BASIC {self.path} {'auth' if got else 'noauth'}")
                if got != want:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="faultproxy"')
                    self.extra_challenge()
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                return self.send_simple(200, "{}")
            if (args.bearer or args.redirect_401) and self.path.startswith("/__faultproxy/token"):
                return self.token()
            if args.bearer and self.path.startswith("/v2/") and not redirected:
                got = self.headers.get("Authorization")
                m = re.match(r"/v2/(.+?)/(blobs|manifests)/", self.path)
                scope = f',scope="repository:{m.group(1)}:pull"' if m else ""
                if args.switch_realm and m and got == "Bearer " + state.token:
                    return self.challenge(other_host, scope)
                if got not in ("Bearer " + state.token, "Bearer " + state.repo_token):
                    return self.challenge(host_name, scope)
            body = self.read_body()
            if args.referrers_api and self.command == "GET" and "/referrers/" in self.path:
                return self.referrers_list()
            matches = re.search(args.match, self.path) is not None
            if matches and args.delay:
                time.sleep(args.delay)
            if matches and args.redirect and not redirected and self.command == "GET":
                self.send_response(307)
                self.send_header("Location",
                                 f"http://{other_host}:{port}/__faultproxy/redirected{self.path}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.record(307)
                return
            if matches and args.status and state.take("status_left"):
                err = {"errors": [{"code": "UNAVAILABLE",
                                   "message": "injected failure", "detail": None}]}
                return self.send_simple(args.status, json.dumps(err))
            conn = http.client.HTTPConnection(up_host, int(up_port), timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            if redirected:
                headers.pop("Authorization", None)
                if args.upstream_auth:
                    tok = base64.b64encode(args.upstream_auth.encode()).decode()
                    headers["Authorization"] = "Basic " + tok
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            if matches and args.interim:
                self.interim()
            self.send_response(resp.status, resp.reason)
            length = resp.getheader("Content-Length")
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            m = re.match(r"/v2/(.+)/manifests/[^/]+$", self.path)
            if args.referrers_api and self.command == "PUT" and m and resp.status == 201:
                subject = state.remember_referrer(m.group(1), body,
                                                  self.headers.get("Content-Type", ""))
                if subject:
                    self.send_header("OCI-Subject", subject)
            self.end_headers()
            self.record(resp.status)
            if self.command == "HEAD":
                conn.close()
                return
            total = int(length) if length is not None else None
            cut = matches and resp.status == 200 and total and state.take("cut_left")
            sent = 0
            flipped = False
            while True:
                data = resp.read(CHUNK)
                if not data:
                    break
                if matches and args.corrupt and resp.status == 200 and not flipped:
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                    flipped = True
                if cut and sent + len(data) >= total // 2:
                    self.wfile.write(data[: max(0, total // 2 - sent)])
                    self.wfile.flush()
                    # drop the connection with bytes still owed: a reset mid-blob
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    conn.close()
                    self.connection.close()
                    return
                if matches and args.rate and resp.status == 200:
                    # small writes at the asked pace, so the client sees a trickle
                    step = max(1, args.rate // 20)
                    for off in range(0, len(data), step):
                        self.wfile.write(data[off:off + step])
                        self.wfile.flush()
                        time.sleep(len(data[off:off + step]) / args.rate)
                else:
                    self.wfile.write(data)
                sent += len(data)
            conn.close()

        def referrers_list(self):
            """GET /v2/<name>/referrers/<digest>[?artifactType=]: distribution-spec v1.1 end-12."""
            from urllib.parse import urlparse, parse_qs
            u = urlparse(self.path)
            m = re.match(r"/v2/(.+)/referrers/([^/]+)$", u.path)
            if not m or not DIGEST_RE.match(m.group(2)):
                err = {"errors": [{"code": "DIGEST_INVALID", "message": "invalid digest"}]}
                return self.send_simple(400, json.dumps(err))
            q = parse_qs(u.query)
            at = q["artifactType"][0] if "artifactType" in q else None
            idx = state.list_referrers(m.group(1), m.group(2), at)
            with state.lock:
                state.log.append(f"REFERRERS {m.group(1)} {m.group(2)} {at or '-'} "
                                 f"{len(idx['manifests'])}")
            data = json.dumps(idx).encode()
            self.send_response(200)
            self.send_header("Content-Type", INDEX)
            if at is not None:
                self.send_header("OCI-Filters-Applied", "artifactType")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.record(200)

        def token(self):
            from urllib.parse import urlparse, parse_qs
            q = parse_qs(urlparse(self.path).query)
            want = "Basic " + base64.b64encode(args.bearer.encode()).decode()
            got = self.headers.get("Authorization")
            ok = got == want
            host = self.headers.get("Host", "").rsplit(":", 1)[0]
            with state.lock:
                state.log.append(f"TOKEN scope={','.join(q.get('scope', []))} "
                                 f"service={','.join(q.get('service', []))} {'ok' if ok else 'denied'} "
                                 f"{host} {'auth' if got else 'noauth'}")
            if not ok:
                return self.send_simple(401, '{"details":"bad credentials"}')
            second = args.switch_realm and host == other_host
            self.send_simple(200, json.dumps({"token": state.repo_token if second else state.token,
                                              "expires_in": 300}))

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    return Handler


def in_named_netns():
    """True inside a namespace made by `ip netns add` (what `ip netns identify` says)."""
    me = os.stat("/proc/self/ns/net")
    try:
        names = os.listdir("/run/netns")
    except OSError:
        return False
    for n in names:
        st = os.stat(os.path.join("/run/netns", n))
        if (st.st_dev, st.st_ino) == (me.st_dev, me.st_ino):
            return True
    return False


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", default="127.0.0.1:9")
    p.add_argument("--match", default=r"/blobs/sha256:")
    p.add_argument("--corrupt", action="store_true")
    p.add_argument("--cut", type=int, default=0)
    p.add_argument("--status", type=int, default=0)
    p.add_argument("--times", type=int, default=0)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--redirect", action="store_true")
    p.add_argument("--upstream-auth", default="")
    p.add_argument("--redirect-401", action="store_true")
    p.add_argument("--interim", action="store_true")
    p.add_argument("--extra-challenge", default="")
    p.add_argument("--referrers-api", action="store_true")
    p.add_argument("--endless", action="store_true")
    p.add_argument("--drip", type=int, default=0)
    p.add_argument("--oversized", type=int, default=0)
    p.add_argument("--body-status", type=int, default=200)
    p.add_argument("--body-type", default="application/vnd.oci.image.manifest.v1+json")
    p.add_argument("--bearer", default="")
    p.add_argument("--switch-realm", action="store_true")
    p.add_argument("--basic", default="")
    p.add_argument("--realm", default="")
    p.add_argument("--tls", default="")
    p.add_argument("--lifetime", type=float, default=300)
    args = p.parse_args()
    host, port = args.listen.rsplit(":", 1)
    for h in (host, args.upstream.rsplit(":", 1)[0]):
        if h not in ("127.0.0.1", "localhost", "::1") and not in_named_netns():
            sys.exit("faultproxy: loopback addresses only (or any inside a private network namespace)")
    srv = http.server.ThreadingHTTPServer((host, int(port)), make_handler(State(args)))
    srv.daemon_threads = True
    if args.tls:
        cert, key = args.tls.split(":", 1)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    timer = threading.Timer(args.lifetime, srv.shutdown)
    timer.daemon = True
    timer.start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
