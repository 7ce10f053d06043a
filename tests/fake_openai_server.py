"""A FAKE OpenAI-compatible server for fault-injection tests. Not a model, not a recording.

Started by a test on 127.0.0.1 with a script of what to answer, one step per
request: a valid completion, an HTTP error (with or without Retry-After), a
dropped connection, an answer slower than the client's timeout, broken JSON,
a truncated answer, an empty choices list. It records every request it gets,
so a test can check what the client sent (headers, re-ask messages).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer."""

    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # the raw body to send, whatever the status (an error body, a proxy's HTML page)
    delay: float = 0.0
    drop: bool = False
    empty_choices: bool = False
    respond: Callable[[dict[str, Any]], str] | None = None  # content computed from the request
    usage: dict[str, Any] | None = None  # the usage the answer reports (default 100 + 20 tokens)
    drip: float = 0.0  # send the body one byte at a time, this many seconds apart
    truncate: bool = False  # announce the whole body's length, send half of it and close


def completion(content: str, finish_reason: str = "stop") -> Step:
    return Step(content=content, finish_reason=finish_reason)


@dataclass
class FakeServer:
    steps: list[Step]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    record: bool = True  # off for benchmarks: the record would grow with every request
    count: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)  # ends a drip when the test is done

    def next_step(self) -> Step:
        index = min(self.count - 1, len(self.steps) - 1)
        return self.steps[index]


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as vLLM, llama.cpp and OpenAI speak it: HTTP/1.0 made every request a new connection.
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm the body waited ~40 ms for
        # the client's delayed ACK on every answer. Real servers (uvicorn, llama.cpp) send at once.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.count += 1
            if fake.record:
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
            step = fake.next_step()
            if step.delay:
                time.sleep(step.delay)
            if step.drop:
                # Close without a response: the client sees a dropped connection.
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if step.body is not None:
                payload = step.body.encode()
            elif step.status != 200:
                payload = json.dumps({"error": {"message": "fake error"}}).encode()
            else:
                choices = []
                content = step.respond(body) if step.respond else step.content
                if not step.empty_choices:
                    choices = [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": step.finish_reason,
                        }
                    ]
                payload = json.dumps(
                    {
                        "id": f"fake-{fake.count}",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body.get("model", "fake"),
                        "choices": choices,
                        "usage": step.usage or {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                    }
                ).encode()
            self.send_response(step.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in step.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                if step.truncate:
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if step.drip:
                    for i in range(len(payload)):
                        if fake.stopping.is_set():
                            return
                        self.wfile.write(payload[i : i + 1])
                        self.wfile.flush()
                        time.sleep(step.drip)
                    return
                self.wfile.write(payload)

    return Handler


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when 32 clients connect at once.
    request_queue_size = 256


@contextmanager
def fake_openai_server(*steps: Step, record: bool = True) -> Iterator[FakeServer]:
    """Serve `steps` on a free 127.0.0.1 port until the block ends."""
    fake = FakeServer(list(steps), record=record)
    server = _Server(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
