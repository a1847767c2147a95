"""A file server on 127.0.0.1 for download tests (no test touches the internet).

``serve(files)`` yields the base URL of a server answering ``GET /<name>`` with
``files[name]`` (bytes); missing names get 404. ``truncate[name] = n`` sends only the first n
bytes while announcing the full Content-Length; ``hits`` counts requests per path."""
import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def serve(files, truncate=None, redirects=None):
    truncate, redirects = truncate or {}, redirects or {}
    hits = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            full = self.path.lstrip("/")
            name = full if full in files else full.split("?")[0]   # a query string may select a file
            hits[name] = hits.get(name, 0) + 1
            if name in redirects:
                self.send_response(302)
                self.send_header("Location", "/" + redirects[name])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = files.get(name)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:truncate.get(name, len(body))])
            self.wfile.flush()
            if name in truncate:
                self.close_connection = True

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        server.hits = hits
        yield base, hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
