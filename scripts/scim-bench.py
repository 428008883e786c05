#!/usr/bin/env python3
"""Provisioning through SCIM as an identity provider's first sync does it (issue 15): N users
created by C concurrent clients (POST /Users, one user a request, no password: credentials are
emailed), against a running Roster. Prints users/s and the latency median and p99.

    SCIM_URL=http://127.0.0.1:3000/scim/v2 SCIM_TOKEN=roster_… scim-bench.py [USERS] [CLIENTS]

Standard library only; run by scripts/scim-bench.sh, which starts the server and makes the token.
"""
import http.client
import json
import os
import resource
import statistics
import sys
import threading
import time
import urllib.parse


def main() -> int:
    url = urllib.parse.urlparse(os.environ["SCIM_URL"])
    token = os.environ["SCIM_TOKEN"]
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    run = os.environ.get("SCIM_BENCH_RUN", str(int(time.time())))
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    next_user = iter(range(users))

    def client() -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json", "Accept": "application/scim+json"}
        while True:
            with lock:
                i = next(next_user, None)
            if i is None:
                return
            body = json.dumps({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": f"bench{run}.{i}@example.com",
                "name": {"givenName": "Bench", "familyName": f"User {i}"},
                "externalId": f"bench-{run}-{i}",
                "active": True,
            })
            started = time.perf_counter()
            connection.request("POST", f"{url.path}/Users", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if response.status != 201:
                    failures.append(f"{response.status} {answer[:200]!r}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"SCIM POST /Users: {users} users, {clients} clients: {users / elapsed:,.0f} users/s "
          f"(median {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms), {len(failures)} failed")
    used = resource.getrusage(resource.RUSAGE_SELF)
    print(f"clients' CPU: {(used.ru_utime + used.ru_stime) * 1000 / users:.2f} ms a user")
    for failure in failures[:5]:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
