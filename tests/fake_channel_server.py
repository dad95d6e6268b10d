"""A fake DingTalk / WeCom / Feishu API on loopback for the outbox tests.

It listens on 127.0.0.1 on a free port (``http.server`` in a thread) and
answers as the real services do: DingTalk robots check the signature and
answer HTTP 200 with ``errcode``; ``gettoken`` hands out tokens;
``asyncsend_v2`` rejects unknown tokens with 40014; ``getbymobile`` answers
60121 for unknown numbers; WeCom answers ``errcode``; Feishu ``code``/``msg``.

Tests script failures per path with :meth:`FakeChannelServer.script`:
``(status, body)`` pairs, or ``("timeout", processed)`` (the server answers
after the client's timeout; ``processed`` says whether it delivered the
message anyway, as a real server might).

Odoo's test framework blocks outgoing HTTP except to 127.0.0.1/localhost
(``BaseCase._request_handler`` in odoo/tests/common.py), so the channels'
``api_base_url`` pointing here is all the tests need: production code is
untouched.
"""

import json
import logging
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from odoo.addons.project_flow.engine.notify import dingtalk_sign, feishu_sign

_logger = logging.getLogger(__name__)


class FakeChannelServer:
    def __init__(self, delay=1.0):
        #: seconds a "timeout" answer waits (longer than the client timeout)
        self.delay = delay
        self.lock = threading.Lock()
        self.reset()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server._handle(self, "GET")

            def do_POST(self):
                server._handle(self, "POST")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # ------------------------------------------------------------------
    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self):
        with self.lock:
            self.requests = []
            #: path -> list of scripted answers, consumed first
            self.scripts = defaultdict(list)
            #: channel messages actually delivered: (path, title/text)
            self.delivered = []
            self.seen_uuids = set()
            self.tokens = set()
            self.token_count = 0
            self.secrets = {}
            #: mobile -> DingTalk user id known to the fake directory
            self.directory = {}

    def script(self, path, *answers):
        with self.lock:
            self.scripts[path].extend(answers)

    def count(self, path):
        return sum(1 for r in self.requests if r["path"] == path)

    # ------------------------------------------------------------------
    def _handle(self, handler, method):
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        request = {"method": method, "path": url.path, "query": query, "json": body}
        with self.lock:
            self.requests.append(request)
            scripted = self.scripts[url.path].pop(0) if self.scripts[url.path] else None
        if scripted and scripted[0] == "timeout":
            if scripted[1]:
                self._answer(request)  # processed, but the client stops waiting
            time.sleep(self.delay)
            status, answer = 200, {"errcode": 0}
        elif scripted:
            status, answer = scripted
        else:
            status, answer = self._answer(request)
        data = json.dumps(answer).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError as exc:
            # the client gave up waiting (an injected timeout)
            _logger.debug("fake channel server: client gone: %s", exc)

    def _answer(self, request):
        path, query, body = request["path"], request["query"], request["json"]
        with self.lock:
            if path == "/robot/send":
                secret = self.secrets.get(query.get("access_token"))
                if query.get("access_token") not in self.secrets:
                    return 200, {"errcode": 300001, "errmsg": "token is not exist"}
                if secret and query.get("sign") != dingtalk_sign(
                    secret, int(query.get("timestamp", 0))
                ):
                    return 200, {"errcode": 310000, "errmsg": "sign not match"}
                uuid = body.get("msgUuid")
                if uuid and uuid in self.seen_uuids:
                    return 200, {"errcode": 0, "errmsg": "ok"}  # deduplicated
                self.seen_uuids.add(uuid)
                self.delivered.append((path, body["markdown"]["title"], body["markdown"]["text"]))
                return 200, {"errcode": 0, "errmsg": "ok"}
            if path == "/gettoken":
                self.token_count += 1
                token = f"TOKEN-{self.token_count}"
                self.tokens.add(token)
                return 200, {
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": token,
                    "expires_in": 7200,
                }
            if path == "/topapi/v2/user/getbymobile":
                if query.get("access_token") not in self.tokens:
                    return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
                userid = self.directory.get(body.get("mobile"))
                if not userid:
                    return 200, {"errcode": 60121, "errmsg": "找不到该用户"}
                return 200, {"errcode": 0, "errmsg": "ok", "result": {"userid": userid}}
            if path == "/topapi/message/corpconversation/asyncsend_v2":
                if query.get("access_token") not in self.tokens:
                    return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
                self.delivered.append((path, body["userid_list"], body["msg"]["markdown"]["text"]))
                return 200, {"errcode": 0, "errmsg": "ok", "task_id": len(self.delivered)}
            if path == "/cgi-bin/webhook/send":
                if query.get("key") not in self.secrets:
                    return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
                self.delivered.append((path, "", body["markdown"]["content"]))
                return 200, {"errcode": 0, "errmsg": "ok"}
            if path.startswith("/open-apis/bot/v2/hook/"):
                token = path.rsplit("/", 1)[1]
                if token not in self.secrets:
                    return 404, {
                        "code": 19001,
                        "msg": "param invalid: incoming webhook access token invalid",
                    }
                secret = self.secrets[token]
                if secret and body.get("sign") != feishu_sign(
                    secret, int(body.get("timestamp", 0))
                ):
                    return 400, {
                        "code": 19021,
                        "msg": "sign match fail or timestamp is not within one hour",
                    }
                card = body["card"]
                self.delivered.append(
                    (path, card["header"]["title"]["content"], card["elements"][0]["content"])
                )
                return 200, {"code": 0, "msg": "success", "data": {}}
        return 404, {"errcode": 404, "errmsg": "not found"}
