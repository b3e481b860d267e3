#!/usr/bin/env python3
"""Summaries of a JFR recording made by `bench/run.sh --profile` (target/bench/<program>-<scenario>.jfr).

  bench/jfr-summary.py cpu FILE [CLASS-REGEX]   CPU samples: threads, top self frames, classes inclusive
  bench/jfr-summary.py callees FILE REGEX [N]   what the outermost frame matching REGEX spends its samples on, N levels down
  bench/jfr-summary.py callers FILE REGEX [N]   the N frames above the innermost frame matching REGEX
  bench/jfr-summary.py alloc FILE [N]           allocation samples by the N innermost non-JDK frames, and by class
  bench/jfr-summary.py groups FILE THREAD-REGEX CPU samples of matching threads by library (first non-JDK frame)

Needs a JDK's `jfr` tool: $JFR, else the Temurin 25 or the running JDK's bin/jfr.
"""
import collections
import os
import re
import shutil
import subprocess
import sys


def jfr_tool():
    for candidate in (os.environ.get("JFR"), "/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr", shutil.which("jfr")):
        if candidate and os.path.exists(candidate):
            return candidate
    sys.exit("no jfr tool: set JFR=/path/to/jdk/bin/jfr")


def events(path, kind, depth=200):
    out = subprocess.run([jfr_tool(), "print", "--events", kind, "--stack-depth", str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    for chunk in out.split(kind)[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", chunk, re.M)
        thread = re.search(r'sampledThread = "([^"]*)"', chunk)
        yield chunk, frames, re.sub(r"\d+", "#", thread.group(1)) if thread else "?"


def short(frame):
    parts = frame.split(".")
    return ".".join(parts[-2:])


def pct(v, total):
    return f"{100 * v / max(total, 1):5.1f}%"


def cpu(path, class_regex=None):
    total = 0
    threads, selfs, classes = collections.Counter(), collections.Counter(), collections.Counter()
    for _, frames, thread in events(path, "jdk.ExecutionSample"):
        if not frames:
            continue
        total += 1
        threads[thread] += 1
        selfs[frames[0]] += 1
        for cls in {f.rsplit(".", 1)[0] for f in frames}:
            classes[cls] += 1
    print(f"total {total} samples\n== threads")
    for k, v in threads.most_common(8):
        print(pct(v, total), k)
    print("== self")
    for k, v in selfs.most_common(25):
        print(pct(v, total), k)
    print("== classes, inclusive")
    rx = re.compile(class_regex) if class_regex else None
    for k, v in classes.most_common(300):
        if (rx is None or rx.search(k)) and v * 200 >= total:
            print(pct(v, total), k)


def matching(path, regex):
    """Total CPU samples with a stack, and (frames, indexes of the frames matching regex) of those that match."""
    rx, total, hits = re.compile(regex), 0, []
    for _, frames, _ in events(path, "jdk.ExecutionSample"):
        if frames:
            total += 1
            idx = [i for i, f in enumerate(frames) if rx.search(f)]
            if idx:
                hits.append((frames, idx))
    print(f"total {total}, matching {len(hits)} ({pct(len(hits), total).strip()})")
    return total, hits


def callees(path, regex, depth=4):
    below = collections.Counter()
    total, hits = matching(path, regex)
    for frames, idx in hits:
        outer = idx[-1]
        for d in range(1, depth + 1):
            if outer - d >= 0:
                below[(d, frames[outer - d])] += 1
    for (d, f), v in sorted(below.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if v * 300 >= total:
            print("  " * d + pct(v, total), f)


def callers(path, regex, depth=6):
    above = collections.Counter()
    total, hits = matching(path, regex)
    for frames, idx in hits:
        above[" <- ".join(short(f) for f in frames[idx[0]:idx[0] + depth + 1])] += 1
    for k, v in above.most_common(15):
        print(pct(v, total), k)


def alloc(path, depth=2):
    total, sites, classes = 0.0, collections.Counter(), collections.Counter()
    units = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
    for chunk, frames, _ in events(path, "jdk.ObjectAllocationSample", 40):
        weight = re.search(r"weight = ([\d.]+) ([kMG]?B)", chunk)
        if not weight:
            continue
        w = float(weight.group(1)) * units[weight.group(2)]
        total += w
        own = [f for f in frames if not f.startswith(("java.", "jdk.", "sun."))]
        sites[" <- ".join(short(f) for f in own[:depth]) or "(JDK only)"] += w
        cls = re.search(r"objectClass = ([\w$.\[\]]+)", chunk)
        classes[cls.group(1) if cls else "?"] += w
    print(f"total {total / 1e6:.0f} MB sampled (weights)\n== sites")
    for k, v in sites.most_common(25):
        print(pct(v, total), k)
    print("== classes")
    for k, v in classes.most_common(12):
        print(pct(v, total), k)


def groups(path, thread_regex):
    rx, total, n, by = re.compile(thread_regex), 0, 0, collections.Counter()
    libraries = [("org.h2", "H2"), ("org.hibernate", "Hibernate"), ("com.zaxxer", "Hikari"), ("io.cardroutes", "bundle"),
                 ("com.fasterxml", "Jackson"), ("org.apache.camel", "Camel"), ("io.vertx", "Vert.x"),
                 ("io.netty", "Netty"), ("org.apache.hc", "HttpClient"), ("org.apache.activemq", "Artemis")]
    for _, frames, thread in events(path, "jdk.ExecutionSample"):
        if not frames:
            continue
        total += 1
        if not rx.search(thread):
            continue
        n += 1
        lib = "JDK only"
        for f in frames:
            if not f.startswith(("java.", "jdk.", "sun.")):
                lib = next((name for prefix, name in libraries if f.startswith(prefix)), "other")
                break
        by[lib] += 1
    print(f"{n} of {total} samples")
    for k, v in by.most_common():
        print(pct(v, total), k)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "cpu":
        cpu(*args)
    elif command == "callees":
        callees(args[0], args[1], int(args[2]) if len(args) > 2 else 4)
    elif command == "callers":
        callers(args[0], args[1], int(args[2]) if len(args) > 2 else 6)
    elif command == "alloc":
        alloc(args[0], int(args[1]) if len(args) > 1 else 2)
    elif command == "groups":
        groups(args[0], args[1])
    else:
        sys.exit(__doc__)
