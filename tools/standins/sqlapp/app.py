"""The SQL stand-in app: every GET / runs APP_SQL in one transaction and answers with the release, or the error.

Its database is the one the stack gives a Spring Boot app: SPRING_DATASOURCE_URL (jdbc:postgresql://host:port/db),
SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD; it listens on SERVER_PORT.
"""
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

URL = re.match(r"^jdbc:postgresql://([^:/]+)(?::(\d+))?/(.+)$", os.environ["SPRING_DATASOURCE_URL"])
CONNECTION = {
    "host": URL.group(1),
    "port": int(URL.group(2) or 5432),
    "dbname": URL.group(3),
    "user": os.environ["SPRING_DATASOURCE_USERNAME"],
    "password": os.environ["SPRING_DATASOURCE_PASSWORD"],
    "connect_timeout": 3,
}
RELEASE = os.environ.get("APP_RELEASE", "unknown")
STATEMENTS = [s.strip() for s in os.environ.get("APP_SQL", "SELECT 1").split(";") if s.strip()]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            with psycopg.connect(**CONNECTION) as connection:
                for statement in STATEMENTS if self.path == "/" else ["SELECT 1"]:
                    connection.execute(statement)
            self.reply(200, f"release {RELEASE}")
        except Exception as error:  # every failure is the answer: the probe counts them
            self.reply(500, f"release {RELEASE} failed: {error}")

    def reply(self, status, body):
        data = (body.strip() + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


# As PID 1 the process gets no default action for SIGTERM: without a handler, `docker stop` waits out its grace period.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("SERVER_PORT", "8080"))), Handler).serve_forever()
