"""A stand-in for the Hugging Face Hub on 127.0.0.1, speaking the paths from design.md §3.

Repos are plain data (files + a behaviour); the handler answers the API, resolve and tree
paths the way the Hub does, including the error headers huggingface_hub maps to exceptions.
Run as a script to serve the built-in test repos: `python hubserver.py PORT_FILE`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class FakeRepo:
    """One dataset repo. `behaviour` picks how the server answers for it.

    - "ok": everything served;
    - "gated": API metadata public, every file 401 with X-Error-Code GatedRepo;
    - "gated-data": card public, data files 403 GatedRepo (the Hub's usual gating);
    - "private": 401 RepoNotFound everywhere (what the Hub says without a token);
    - "slow": every request sleeps `delay` seconds first;
    - "error": every request 500.
    """

    repo_id: str
    files: dict[str, bytes] = field(default_factory=dict)
    behaviour: str = "ok"
    delay: float = 2.0
    token: str | None = None  # private repos answer normally to this bearer token

    @property
    def sha(self) -> str:
        digest = hashlib.sha1(self.repo_id.encode())
        for name in sorted(self.files):
            digest.update(name.encode() + self.files[name])
        return digest.hexdigest()


class HubState:
    def __init__(self, repos: list[FakeRepo]) -> None:
        self.repos = {r.repo_id: r for r in repos}
        self.log: list[str] = []
        self.lock = threading.Lock()

    def split(self, rest: str) -> tuple[FakeRepo | None, str, str]:
        """Find the repo whose ID prefixes `rest`; return it, its ID and what follows."""
        for repo_id in sorted(self.repos, key=len, reverse=True):
            if rest == repo_id or rest.startswith(repo_id + "/"):
                return self.repos[repo_id], repo_id, rest[len(repo_id) :].lstrip("/")
        parts = rest.split("/")
        guess = (
            "/".join(parts[:2])
            if len(parts) > 1 and parts[1] not in ("resolve", "tree", "revision")
            else parts[0]
        )
        return None, guess, rest[len(guess) :].lstrip("/")


def _etag(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class Handler(BaseHTTPRequestHandler):
    state: HubState
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._route(head=False)

    def _send(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, head: bool = False
    ) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _error(self, status: int, code: str | None, head: bool, repo: FakeRepo | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if code:
            headers["X-Error-Code"] = code
            headers["X-Error-Message"] = code
        if repo is not None:
            headers["X-Repo-Commit"] = repo.sha
        self._send(status, json.dumps({"error": code or "error"}).encode(), headers, head)

    def _route(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        with self.state.lock:
            self.state.log.append(f"{self.command} {self.path}")
        if path == "/api/agent-harnesses":
            return self._send(200, b"[]", {"Content-Type": "application/json"}, head)
        if path.startswith("/api/datasets/"):
            repo, repo_id, rest = self.state.split(path[len("/api/datasets/") :])
            return self._api(repo, repo_id, rest, url.query, head)
        if path.startswith("/datasets/"):
            repo, repo_id, rest = self.state.split(path[len("/datasets/") :])
            if not rest.startswith("resolve/"):
                return self._error(404, None, head)
            rev, _, file = rest[len("resolve/") :].partition("/")
            if repo is not None and rev not in ("main", repo.sha) and repo.behaviour == "ok":
                return self._error(404, "RevisionNotFound", head, repo)
            return self._resolve(repo, file, head)
        return self._error(404, None, head)

    def _gate(self, repo: FakeRepo | None, head: bool, *, is_file: bool, is_data: bool = False) -> bool:
        """Answer for repos that do not serve normally; True if an answer was sent."""
        if repo is None:
            self._error(404, "RepoNotFound", head)
            return True
        if repo.behaviour == "slow":
            time.sleep(repo.delay)
        if repo.behaviour == "error":
            self._error(500, None, head)
            return True
        if repo.behaviour == "private" and self.headers.get("Authorization") != f"Bearer {repo.token}":
            self._error(401, "RepoNotFound", head)
            return True
        if is_file and repo.behaviour == "gated":
            self._error(401, "GatedRepo", head, repo)
            return True
        if is_data and repo.behaviour == "gated-data":
            self._error(403, "GatedRepo", head, repo)
            return True
        return False

    def _api(self, repo: FakeRepo | None, repo_id: str, rest: str, query: str, head: bool) -> None:
        if self._gate(repo, head, is_file=False):
            return
        assert repo is not None
        if rest.startswith("revision/") and rest[len("revision/") :] not in ("main", repo.sha):
            return self._error(404, "RevisionNotFound", head, repo)
        if rest == "" or rest.startswith("revision/"):
            body = {
                "id": repo.repo_id,
                "sha": repo.sha,
                "private": repo.behaviour == "private",
                "gated": "manual" if repo.behaviour.startswith("gated") else False,
                "disabled": False,
                "tags": [],
                "siblings": [{"rfilename": name} for name in sorted(repo.files)],
                "lastModified": "2025-01-01T00:00:00.000Z",
            }
            return self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"}, head)
        if rest.startswith("tree/"):
            _, _, sub = rest[len("tree/") :].partition("/")
            sub = sub.strip("/")
            recursive = "recursive=true" in query.lower() or "recursive=1" in query
            entries: list[dict[str, object]] = []
            dirs: set[str] = set()
            for name in sorted(repo.files):
                if sub and not name.startswith(sub + "/"):
                    continue
                tail = name[len(sub) + 1 :] if sub else name
                if "/" in tail and not recursive:
                    d = (sub + "/" if sub else "") + tail.split("/", 1)[0]
                    if d not in dirs:
                        dirs.add(d)
                        entries.append({"type": "directory", "oid": _etag(d.encode()), "size": 0, "path": d})
                    continue
                if recursive:
                    parts = tail.split("/")[:-1]
                    for i in range(len(parts)):
                        d = "/".join(([sub] if sub else []) + parts[: i + 1])
                        if d not in dirs:
                            dirs.add(d)
                            entries.append(
                                {"type": "directory", "oid": _etag(d.encode()), "size": 0, "path": d}
                            )
                data = repo.files[name]
                entries.append({"type": "file", "oid": _etag(data), "size": len(data), "path": name})
            if sub and not entries:
                return self._error(404, "EntryNotFound", head, repo)
            return self._send(200, json.dumps(entries).encode(), {"Content-Type": "application/json"}, head)
        if rest.startswith("paths-info/"):
            entries = [
                {"type": "file", "oid": _etag(d), "size": len(d), "path": n}
                for n, d in sorted(repo.files.items())
            ]
            return self._send(200, json.dumps(entries).encode(), {"Content-Type": "application/json"}, head)
        return self._error(404, None, head)

    def _resolve(self, repo: FakeRepo | None, file: str, head: bool) -> None:
        if self._gate(repo, head, is_file=True, is_data=file != "README.md"):
            return
        assert repo is not None
        data = repo.files.get(file)
        if data is None:
            return self._error(404, "EntryNotFound", head, repo)
        headers = {"X-Repo-Commit": repo.sha, "ETag": f'"{_etag(data)}"', "Accept-Ranges": "bytes"}
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start_s, _, end_s = rng[len("bytes=") :].partition("-")
            start = int(start_s or 0)
            end = min(int(end_s), len(data) - 1) if end_s else len(data) - 1
            part = data[start : end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return self._send(206, part, headers, head)
        return self._send(200, data, headers, head)


class HubServer:
    """A threaded fake Hub; use as a context manager or call start()/stop()."""

    def __init__(self, repos: list[FakeRepo]) -> None:
        self.state = HubState(repos)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from hub_repos import fake_repos

    server = HubServer(fake_repos()).start()
    Path(sys.argv[1]).write_text(server.endpoint)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
