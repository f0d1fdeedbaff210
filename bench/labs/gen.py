#!/usr/bin/env python3
"""Generate benchmark topologies twice: as a netns lab file and as the
same build for `ip -b` (namespaces + veths in one batch, then one
`ip -n NS -b` batch per namespace), so both tools build identical networks.

  gen.py chain N OUTDIR [PREFIX]   N routers in a row, /30 links, static routes
  gen.py star N OUTDIR [PREFIX]    N hosts on one switch (bridge), one /16

Every namespace name starts with PREFIX (the lab's ns_prefix; default
"<lab name>-"). HOSTS=true or HOSTS=false in the environment sets the
lab's `hosts` key (the generated hosts files; unset: the default).
"""
import ipaddress
import os
import sys


def p30(k):
    base = int(ipaddress.IPv4Address("10.0.0.0")) + 4 * k
    return str(ipaddress.IPv4Address(base + 1)), str(ipaddress.IPv4Address(base + 2))


def hosts_key():
    """The `hosts` line HOSTS asks for, or nothing."""
    v = os.environ.get("HOSTS", "")
    return f"hosts = {v}\n" if v in ("true", "false") else ""


def chain(n, out, name, prefix):
    toml = [f'schema = 1\nname = "{name}"\nns_prefix = "{prefix}"\n{hosts_key()}']
    ipb = []
    per_ns = {i: [] for i in range(1, n + 1)}
    for i in range(1, n + 1):
        routes = []
        if i > 1:
            routes.append(f'{{ to = "default", via = "{p30(i - 2)[0]}" }}')
            per_ns[i].append(f"route add default via {p30(i - 2)[0]} proto static")
        if i < n:
            routes.append(f'{{ to = "10.128.0.0/9", via = "{p30(i - 1)[1]}" }}')
            per_ns[i].append(f"route add 10.128.0.0/9 via {p30(i - 1)[1]} proto static")
        toml.append(f'[nodes.r{i}]\nkind = "router"\nroutes = [{", ".join(routes)}]\n')
        ipb.append(f"netns add {prefix}r{i}")
    for k in range(n - 1):
        a, b = p30(k)
        toml.append(f'[[links]]\nendpoints = ["r{k + 1}:e1", "r{k + 2}:e0"]\naddr = [["{a}/30"], ["{b}/30"]]\n')
        ipb.append(f"link add e1 netns {prefix}r{k + 1} type veth peer e0 netns {prefix}r{k + 2}")
        per_ns[k + 1][:0] = [f"addr add {a}/30 dev e1", "link set e1 up"]
        per_ns[k + 2][:0] = [f"addr add {b}/30 dev e0", "link set e0 up"]
    for i in range(1, n + 1):
        per_ns[i][:0] = ["link set lo up"]
    write(out, name, toml, ipb, per_ns, forwarding=True, key=lambda k: f"{prefix}r{k}")


def star(n, out, name, prefix):
    toml = [f'schema = 1\nname = "{name}"\nns_prefix = "{prefix}"\n{hosts_key()}\n[nodes.sw]\nkind = "switch"\nsubnet = "10.1.0.0/16"\n']
    ipb = [f"netns add {prefix}sw"]
    per_ns = {"sw": ["link set lo up", "link add br0 type bridge", "link set br0 up"]}
    for i in range(1, n + 1):
        toml.append(f"[nodes.h{i}]\n")
        toml.append(f'[[links]]\nendpoints = ["h{i}:eth0", "sw"]\n')
        ipb.append(f"netns add {prefix}h{i}")
    for i in range(1, n + 1):
        ipb.append(f"link add eth0 netns {prefix}h{i} type veth peer h{i}-eth0 netns {prefix}sw")
        per_ns["sw"] += [f"link set h{i}-eth0 master br0", f"link set h{i}-eth0 up"]
        host = ipaddress.IPv4Address("10.1.0.0") + i
        per_ns[i] = ["link set lo up", f"addr add {host}/16 dev eth0", "link set eth0 up"]
    write(out, name, toml, ipb, per_ns, forwarding=False, key=lambda k: f"{prefix}h{k}" if isinstance(k, int) else f"{prefix}{k}")


def write(out, name, toml, ipb, per_ns, forwarding, key):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.toml"), "w") as f:
        f.write("\n".join(toml))
    with open(os.path.join(out, f"{name}.ip-b"), "w") as f:
        f.write("\n".join(ipb) + "\n")
    # One batch per namespace, run as `ip -n NS -b FILE` (what a script
    # using iproute2 well would do).
    d = os.path.join(out, f"{name}.per-ns")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(out, f"{name}.ns-list"), "w") as lst:
        for k, lines in per_ns.items():
            ns = key(k)
            with open(os.path.join(d, ns), "w") as f:
                f.write("\n".join(lines) + "\n")
            lst.write(f"{ns}{' fwd' if forwarding else ''}\n")


if __name__ == "__main__":
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    name = f"{kind}{n}"[:12]
    prefix = sys.argv[4] if len(sys.argv) > 4 else f"{name}-"
    {"chain": chain, "star": star}[kind](n, out, name, prefix)
