#!/usr/bin/env python3
"""Load on the digit pad (`nnsh serve`): classify requests from a local client, and their latency.

    serve_load.py URL [--requests 200] [--concurrency 200]

Each request is what the page sends after a stroke: POST /classify?width=280&height=280 with
the whole canvas as gray bytes, here Models/drawn-3.png scaled up to the canvas (nearest pixel).
`concurrency` connections are open at once (one request each, `Connection: close`), the next
request starting when one ends. Prints one line: requests, errors, wall time, requests per
second, and the latency percentiles (ms) from sending to the whole answer read. Standard
library only; the client runs on the same cores as the server (so it takes a share of them).
"""
import argparse
import asyncio
import json
import os
import struct
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CANVAS = 280


def read_gray_png(path):
    """An 8-bit grayscale PNG written without row filters (Models/draw-digit.py's) as rows of 0-255."""
    data = open(path, "rb").read()
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            width, height = struct.unpack(">II", data[pos + 8:pos + 16])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows = []
    for y in range(height):
        if raw[y * (width + 1)] != 0:
            sys.exit("serve_load: expected a PNG without row filters")
        rows.append(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
    return rows


def canvas_body():
    rows = read_gray_png(os.path.join(ROOT, "Models", "drawn-3.png"))
    h, w = len(rows), len(rows[0])
    pixels = [rows[y * h // CANVAS][x * w // CANVAS] for y in range(CANVAS) for x in range(CANVAS)]
    return bytes(pixels)


async def one(host, port, request):
    """Sends one request on a new connection; returns (seconds, status, body)."""
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    await writer.drain()
    response = await reader.read()   # Connection: close: to the end
    writer.close()
    elapsed = time.perf_counter() - start
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    return elapsed, status, body


async def load(url, requests, concurrency, timeout=120):
    host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
    body = canvas_body()
    request = (f"POST /classify?width={CANVAS}&height={CANVAS} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
               f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    latencies, errors, queue = [], [], list(range(requests))

    async def worker():
        while queue:
            queue.pop()
            try:
                elapsed, status, answer = await one(host, int(port), request)
                top = json.loads(answer)["top"][0]["class"] if status == 200 else None
                if status != 200 or top != "3":
                    errors.append(f"status {status}, class {top}")
                latencies.append(elapsed)
            except Exception as e:   # a refused or reset connection is an error to count
                errors.append(repr(e))

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout)
    return time.perf_counter() - start, sorted(latencies), errors


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def run(url, requests, concurrency):
    """(wall seconds, sorted latencies in seconds, errors)."""
    return asyncio.run(load(url, requests, concurrency))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    a = ap.parse_args()
    wall, lat, errors = run(a.url, a.requests, a.concurrency)
    ms = lambda q: percentile(lat, q) * 1000
    print(f"{a.requests} requests, {a.concurrency} at once: {len(errors)} errors, {wall:.2f} s, "
          f"{a.requests / wall:.0f} requests/s, latency ms p50 {ms(0.5):.1f} p90 {ms(0.9):.1f} "
          f"p99 {ms(0.99):.1f} max {ms(1.0):.1f}")
    for e in errors[:5]:
        print(f"error: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
