"""The language servers the how-to recommends, for the tests that prove what it says about editors.

``nox -s editors`` installs yaml-language-server (the server behind VS
Code's YAML extension) and Taplo's command line (the engine of Even Better
TOML) from the npm registry into ``.nox/_editors`` and sets
``BACKEXT_EDITOR_TESTS=required``: then anything missing fails the tests.
In an ordinary ``pytest`` run, the tests that need them are skipped when
they are missing, with the reason.

:class:`LanguageServer` is a small Language Server Protocol client over
standard input and output: enough to open a document, wait for its
diagnostics and ask for completions, as an editor does.
"""

from __future__ import annotations

import json
import os
import pathlib
import queue
import shutil
import subprocess
import threading
from typing import Any

import pytest


ROOT = pathlib.Path(__file__).parent.parent

#: The releases the tests run (``nox -s editors`` installs these ones).
YAML_LANGUAGE_SERVER = "1.25.0"
TAPLO_CLI = "0.7.0"

#: Where ``nox -s editors`` installs them, unless ``BACKEXT_EDITORS`` names another folder.
EDITORS_FOLDER = ROOT / ".nox" / "_editors"

#: How long to wait for any one answer of a server before giving up (a guard against a hung server, not a
#: measurement: a healthy server answers in well under a second).
PATIENCE = 120.0


def required() -> bool:
    """Whether a missing tool is a failure (in ``nox -s editors``) rather than a reason to skip."""
    return os.environ.get("BACKEXT_EDITOR_TESTS") == "required"


def missing(why: str) -> None:
    """Skip, or fail where the editor tests are required."""
    if required():
        pytest.fail(f"the editor tests need {why}", pytrace=False)
    pytest.skip(f"needs {why}")


def _folder() -> pathlib.Path:
    return pathlib.Path(os.environ.get("BACKEXT_EDITORS") or EDITORS_FOLDER)


def node() -> str:
    """The Node.js to run the servers with."""
    path = shutil.which("node")
    if path is None:
        missing("Node.js (node is not on PATH)")
    return path  # type: ignore[return-value]


def yaml_language_server() -> list[str]:
    """The command that starts yaml-language-server on standard input and output."""
    script = _folder() / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not script.is_file():
        missing(f"yaml-language-server {YAML_LANGUAGE_SERVER} ({script} is absent; nox -s editors installs it)")
    return [node(), str(script), "--stdio"]


def taplo() -> list[str]:
    """The command that runs Taplo's command line."""
    script = _folder() / "node_modules" / "@taplo" / "cli" / "dist" / "cli.js"
    if not script.is_file():
        missing(f"Taplo's command line, @taplo/cli {TAPLO_CLI} ({script} is absent; nox -s editors installs it)")
    return [node(), str(script)]


class LanguageServer:
    """A language server run as a child process, spoken to over the Language Server Protocol (JSON-RPC).

    Requests the server sends to its client (configuration, registrations,
    progress) are answered as a minimal editor would; notifications are kept
    in order, to be waited for.
    """

    def __init__(self, command: list[str], root: pathlib.Path, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.incoming: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": True},
                        "completion": {"completionItem": {"snippetSupport": False}},
                        "synchronization": {"didSave": True},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self.incoming.put(None)
                return
            self.incoming.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification."""
        self._send({"method": method, "params": params})

    def _answer(self, message: dict[str, Any]) -> None:
        """Answer a request from the server as an editor would."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in message["params"]["items"]]
        self._send({"id": message["id"], "result": result})

    def _next(self) -> dict[str, Any]:
        try:
            message = self.incoming.get(timeout=PATIENCE)
        except queue.Empty:
            raise AssertionError(f"the language server said nothing for {PATIENCE:.0f} s") from None
        if message is None:
            raise AssertionError(f"the language server ended (status {self.process.poll()})")
        if "method" in message and "id" in message:
            self._answer(message)
        elif "method" in message:
            self.notifications.append(message)
        return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        """Send a request and return its result."""
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            message = self._next()
            if message.get("id") == wanted and "method" not in message:
                if "error" in message:
                    raise AssertionError(f"{method} failed: {message['error']}")
                return message.get("result")

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The first diagnostics the server publishes for *uri* from now on."""
        seen = len(self.notifications)
        while True:
            for message in self.notifications[seen:]:
                if message["method"] == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                    self.notifications.clear()
                    return message["params"]["diagnostics"]  # type: ignore[no-any-return]
            seen = len(self.notifications)
            self._next()

    def open(self, path: pathlib.Path, language: str) -> list[dict[str, Any]]:
        """Open *path* as an editor does, and return the diagnostics the server publishes for it."""
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": path.as_uri(),
                    "languageId": language,
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        return self.diagnostics(path.as_uri())

    def complete(self, path: pathlib.Path, line: int, character: int) -> list[str]:
        """The labels the server offers for completion at the 0-based *line* and *character* of *path*."""
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": character}},
        )
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    def close(self) -> None:
        """Shut the server down, as an editor does on exit; kill it if it does not go."""
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=PATIENCE)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.reader.join(PATIENCE)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
