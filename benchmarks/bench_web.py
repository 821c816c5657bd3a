"""Load test of the web app on loopback: 50 concurrent clients on /api/trace and /api/tokenize for 30 s.

    python benchmarks/bench_web.py [--clients 50] [--seconds 30]

Starts ``seqlab serve`` as its own process, waits until it answers, then runs
the clients (asyncio + httpx, one process) against it. A 20-token Korean
sentence; each client alternates a tokenize and a trace (LSTM, hidden 4).
Reports errors, p50/p95/max latency per route and the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from common import machine

TEXT = "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요"  # 20 tokens with e5-small's <s> and </s>


async def client(http, url, deadline, latencies, errors, k):
    i = k
    while time.perf_counter() < deadline:
        route = "/api/trace" if i % 2 else "/api/tokenize"
        body = {"text": TEXT, "cell": "lstm", "hidden": 4} if route == "/api/trace" else {"text": TEXT}
        t0 = time.perf_counter()
        try:
            r = await http.post(url + route, json=body)
            ok = r.status_code == 200
        except Exception:  # counted, never fatal
            ok = False
        (latencies[route] if ok else errors).append(time.perf_counter() - t0)
        i += 1


async def run(url, clients, seconds):
    import httpx

    latencies = {"/api/tokenize": [], "/api/trace": []}
    errors = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(client(http, url, deadline, latencies, errors, k) for k in range(clients)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "seqlab"
    server = subprocess.Popen([str(exe), "serve", "--port", str(args.port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{args.port}"
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(url + "/api/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        tokens = len(httpx.post(url + "/api/tokenize", json={"text": TEXT}).json()["tokens"])
        asyncio.run(run(url, 5, 3))  # warm-up
        latencies, errors = asyncio.run(run(url, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait()
    total = sum(len(v) for v in latencies.values())
    print(f"{machine()} · {args.clients} clients, {args.seconds:.0f} s, {tokens}-token sentence, server and clients "
          f"on the same 2 cores")
    print(f"requests: {total:,} ok, {len(errors)} errors · throughput {total / args.seconds:,.0f} requests/s")
    for route, values in latencies.items():
        ms = np.array(values) * 1000
        print(f"  {route:15} n={len(ms):6,}  p50 {np.percentile(ms, 50):6.1f} ms  p95 {np.percentile(ms, 95):6.1f} ms  "
              f"max {ms.max():7.1f} ms")


if __name__ == "__main__":
    main()
