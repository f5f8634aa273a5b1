#!/usr/bin/env python3
"""Where a gateway's CPU goes, from an async-profiler 'collapsed' file (bench/gateway-overhead.sh BENCH_PROFILE=1).

Each sample (a stack, root first) goes to the first bucket below whose test matches, so the shares add up to 100 %:
the writer threads first, then system calls by kind, then the layer of the frame nearest the leaf (JSON, the upstream
client, Tollgate's own code, the HTTP server, the scheduler). Usage:
    bench/profile/breakdown.py FILE.collapsed [CPU_US_PER_REQUEST]
With the CPU per request, each share is also printed in microseconds per request.
"""
import sys
from collections import Counter

def has(frames, *needles):
    return any(n in f for f in frames for n in needles)

LAYERS = [  # (marker, bucket): a sample goes to the layer of the frame nearest its leaf
    ("com/fasterxml/jackson", "JSON (Jackson)"),
    ("io/helidon/webclient", "upstream HTTP client"),
    ("dev/tollgate/provider/http/", "upstream HTTP client"),
    ("routing/auto/PromptAnalyzer", "prompt analyser (task label for usage)"),
    ("usage/UsageRecorder.finished", "usage recording on the request thread"),
    ("io/micrometer", "metrics (Micrometer)"),
    ("dev/tollgate/", "Tollgate request logic (auth, limits, routing, billing, responders)"),
    ("io/helidon/webserver", "HTTP server (Helidon: parsing, routing, response headers)"),
    ("io/helidon/http/", "HTTP server (Helidon: parsing, routing, response headers)"),
    ("VirtualThread", "virtual-thread scheduling"), ("ForkJoin", "virtual-thread scheduling"),
    ("Continuation", "virtual-thread scheduling"), ("DelayScheduler", "virtual-thread scheduling"),
]

def bucket(frames):
    leaf = frames[-1]
    if has(frames, "usage/UsageWriter.loop"): return "usage writer thread (events + rollups)"
    if has(frames, "ledger/BatchWriter.loop"): return "ledger writer thread (charges, group commit)"
    if has(frames, "ledger/SliceKeeper.loop"): return "credit slice keeper thread"
    if leaf in ("__GI_write", "__libc_write", "write") or "writev" in leaf: return "kernel: socket write (2 per request)"
    if leaf in ("__GI_read", "__libc_read", "read") or "epoll" in leaf: return "kernel: socket read, epoll"
    if "futex" in leaf or "pthread_cond" in leaf or "lll_lock" in leaf: return "kernel: futex (thread wake-ups, parks)"
    for frame in reversed(frames):
        for marker, name in LAYERS:
            if marker in frame: return name
    if has(frames, "GC", "G1", "Parallel", "Serial"): return "garbage collection"
    if has(frames, "Compile", "C2", "C1"): return "JIT compiler"
    if has(frames, "io/helidon/"): return "HTTP server (Helidon: parsing, routing, response headers)"
    return "other (JVM, libc)"

def main():
    counts, total = Counter(), 0
    for line in open(sys.argv[1]):
        stack, _, n = line.rstrip().rpartition(" ")
        if not stack: continue
        counts[bucket(stack.split(";"))] += int(n)
        total += int(n)
    per_req = float(sys.argv[2]) if len(sys.argv) > 2 else None
    print(f"{total} samples" + (f", {per_req:.0f} us CPU per request" if per_req else ""))
    for name, n in counts.most_common():
        share = n / total
        print(f"  {100 * share:5.1f} %" + (f"  {share * per_req:6.1f} us" if per_req else "") + f"  {name}")

if __name__ == "__main__":
    main()
