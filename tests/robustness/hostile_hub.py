"""A fake Hub on 127.0.0.1 that misbehaves the ways issue 10 lists, for one repo each.

It reuses the well-behaved fake (tests/hub/hubserver.py) and answers differently only for
repos whose behaviour is one of these:

- "echo-auth": every request gets HTTP 400 whose body and X-Error-Message echo the request's
  Authorization header (a proxy or a debugging server that reflects the request);
- "redirect-404": the card redirects to another host name, which answers 404 without the
  Hub's error headers (a CDN or mirror that lost the file);
- "reset": the connection is closed without an answer (a reset);
- "data-500" / "data-429": card and metadata served, every data file HTTP 500 / 429;
- "trickle": answers start, then the body comes at one byte per `delay` seconds;
- "trickle-card": metadata served normally, the card's body trickles (HEAD answers at once);
- "huge-metadata": the metadata answer announces and streams `size` bytes of JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from hubserver import FakeRepo, Handler, HubServer

HOSTILE = (
    "echo-auth",
    "redirect-404",
    "reset",
    "data-500",
    "data-429",
    "trickle",
    "trickle-card",
    "huge-metadata",
)


@dataclass
class HostileRepo(FakeRepo):
    size: int = 0  # bytes of the metadata answer for "huge-metadata"


class HostileHandler(Handler):
    other_host: str = ""  # "http://localhost:PORT": the same server under another host name

    def _route(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith("/lost/"):
            # The other host of "redirect-404": a plain 404, no X-Error-Code.
            return self._send(404, b"Not Found", {"Content-Type": "text/plain"}, head)
        repo = None
        for prefix in ("/api/datasets/", "/datasets/"):
            if path.startswith(prefix):
                repo, _, _rest = self.state.split(path[len(prefix) :])
                break
        behaviour = repo.behaviour if repo is not None else ""
        if behaviour not in HOSTILE:
            return super()._route(head)
        assert isinstance(repo, HostileRepo)
        with self.state.lock:
            self.state.log.append(f"{self.command} {self.path}")
        is_api = path.startswith("/api/")
        is_card = path.endswith("/README.md")
        if behaviour == "echo-auth":
            echoed = self.headers.get("Authorization", "")
            body = json.dumps({"error": f"bad request; you sent Authorization: {echoed}"}).encode()
            headers = {"Content-Type": "application/json", "X-Error-Message": f"echo {echoed}"}
            return self._send(400, body, headers, head)
        if behaviour == "reset":
            with contextlib.suppress(OSError):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
            self.close_connection = True
            self.connection.close()
            return None
        if behaviour == "redirect-404" and is_card:
            location = f"{self.other_host}/lost/{repo.repo_id}/README.md"
            return self._send(302, b"", {"Location": location, "X-Repo-Commit": repo.sha}, head)
        if behaviour in ("data-500", "data-429") and not is_api and not is_card:
            status = 500 if behaviour == "data-500" else 429
            return self._send(status, b"{}", {"Content-Type": "application/json"}, head)
        if behaviour == "trickle":
            return self._trickle(
                repo, json.dumps({"id": repo.repo_id, "sha": repo.sha, "siblings": []}).encode(), head
            )
        if behaviour == "trickle-card" and is_card and not head:
            return self._trickle(repo, repo.files["README.md"], head)
        if behaviour == "huge-metadata" and is_api and "/tree/" not in path and "/paths-info/" not in path:
            return self._huge(repo, head)
        return super()._route(head)

    def _trickle(self, repo: HostileRepo, body: bytes, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Repo-Commit", repo.sha)
        self.send_header("ETag", f'"{hashlib.sha1(body).hexdigest()}"')
        self.end_headers()
        if head:
            return
        with contextlib.suppress(OSError):
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(repo.delay)

    def _huge(self, repo: HostileRepo, head: bool) -> None:
        start = json.dumps({"id": repo.repo_id, "sha": repo.sha, "siblings": [], "padding": ""})[:-2].encode()
        end = b'"}'
        chunk = b"x" * 65536
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(repo.size))
        self.end_headers()
        if head:
            return
        with contextlib.suppress(OSError):
            self.wfile.write(start)
            left = repo.size - len(start) - len(end)
            while left > 0:
                part = chunk[: min(left, len(chunk))]
                self.wfile.write(part)
                left -= len(part)
            self.wfile.write(end)


class HostileHub(HubServer):
    """Serve `repos` (well-behaved and hostile ones) on 127.0.0.1; a context manager."""

    def __init__(self, repos: list[FakeRepo]) -> None:
        super().__init__(repos)
        other = f"http://localhost:{self.httpd.server_address[1]}"
        bound = {"state": self.state, "other_host": other}
        self.httpd.RequestHandlerClass = type("BoundHostile", (HostileHandler,), bound)
