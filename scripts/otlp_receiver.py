#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver on loopback, for tests: decodes each export request with the
opentelemetry-proto package (protobuf) and appends every span as one JSON line to a file.

usage: otlp_receiver.py PORT_FILE SPANS_FILE
Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, and serves POST /v1/traces until
killed. A request that does not decode is answered 400 and logged on stderr.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def value(any_value):
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [value(item) for item in any_value.array_value.values]
    return getattr(any_value, kind) if kind else None


def attributes(pairs):
    return {pair.key: value(pair.value) for pair in pairs}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
            self.send_response(404)
            self.end_headers()
            return
        request = trace_service_pb2.ExportTraceServiceRequest()
        try:
            request.ParseFromString(body)
        except Exception as error:  # the test fails on the missing spans; say why here
            sys.stderr.write(f"undecodable export request: {error}\n")
            self.send_response(400)
            self.end_headers()
            return
        lines = []
        for resource_spans in request.resource_spans:
            resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex() or None, "name": span.name,
                        "kind": KINDS.get(span.kind, span.kind), "start": span.start_time_unix_nano,
                        "end": span.end_time_unix_nano, "attributes": attributes(span.attributes),
                        "events": [{"name": event.name, "attributes": attributes(event.attributes)} for event in span.events],
                        "links": [{"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex()} for link in span.links],
                        "status": {"code": span.status.code, "message": span.status.message},
                        "resource": resource, "scope": scope_spans.scope.name,
                    }))
        with open(sys.argv[2], "a") as spans:
            spans.write("".join(line + "\n" for line in lines))
        answer = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as port_file:
        port_file.write(str(server.server_address[1]))
    import os
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
