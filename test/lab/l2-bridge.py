#!/usr/bin/env python3
"""l2-bridge.py - an impairing Ethernet bridge for network-namespace labs (standard library only).

The kernels these labs run on lack netem, the tc classifiers and the iptables/nft tools, so a
"router" namespace runs this instead: it forwards every frame between two interfaces with packet
sockets and can delay, drop and black out the path. Ground truth for the tests: it counts what it
dropped and prints that (JSON) when it ends.

  l2-bridge.py bridge --a IF --b IF [--delay-ms D] [--loss P] [--seed S]
      Forwards a <-> b. Every frame is held D ms (one way, both directions). With --loss, each
      frame a -> b that carries TCP payload is dropped with probability P (ACKs b -> a never are).
      Prints "ready" on stdout once both sockets are bound. Commands on stdin, one a line:
        blackout SECONDS   drop every frame, both directions, for that long from now
        loss P             change the loss probability (a -> b TCP payload)
      On SIGTERM/SIGINT or stdin EOF: prints {"forwarded":{...},"dropped":{...}} and exits 0.
  l2-bridge.py offload-off IF
      Turns off TX checksum offload, TSO, GSO and GRO of IF (the legacy ethtool ioctls; there is
      no ethtool binary): frames leave with real checksums and at most one MSS of payload, as on
      a wire, so a bridge can forward them and a capture shows real segments.
"""
import argparse
import ctypes
import fcntl
import heapq
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SIOCETHTOOL = 0x8946
# Legacy ethtool "set" commands (include/uapi/linux/ethtool.h).
ETHTOOL_STXCSUM = 0x17
ETHTOOL_SSG = 0x19
ETHTOOL_STSO = 0x1F
ETHTOOL_SGSO = 0x24
ETHTOOL_SGRO = 0x2C


def offload_off(ifname):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Order matters: TSO and GSO go before checksumming (TSO needs it).
    for cmd in (ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO, ETHTOOL_SSG, ETHTOOL_STXCSUM):
        buf = ctypes.create_string_buffer(struct.pack("=II", cmd, 0))
        ifr = struct.pack("@16sP", ifname.encode(), ctypes.addressof(buf)).ljust(40, b"\0")
        try:
            fcntl.ioctl(s, SIOCETHTOOL, ifr)
        except OSError as e:
            print(f"offload-off {ifname}: ethtool command {cmd:#x}: {e}", file=sys.stderr)
            return 1
    return 0


def tcp_payload(frame):
    """Bytes of TCP payload in an Ethernet/IPv4 frame (0 for anything else)."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return 0
    ihl = (frame[14] & 15) * 4
    total = (frame[16] << 8) | frame[17]
    off = 14 + ihl
    if len(frame) < off + 13:
        return 0
    doff = (frame[off + 12] >> 4) * 4
    return max(0, total - ihl - doff)


def bridge(args):
    rnd = random.Random(args.seed)
    loss = args.loss
    delay = args.delay_ms / 1000.0
    socks = {}
    for name in (args.a, args.b):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.bind((name, 0))
        s.setblocking(False)
        socks[name] = s
    sa, sb = socks[args.a], socks[args.b]
    peer = {sa.fileno(): (sb, "ab"), sb.fileno(): (sa, "ba")}
    fwd = {"ab": 0, "ba": 0}
    dropped = {"loss": 0, "lossBytes": 0, "blackout": 0, "blackoutData": 0, "queue": 0}
    drops = []  # (time since start, payload bytes) of the random drops, first 1000
    black_until = 0.0
    heap = []
    seq = 0
    t0 = time.monotonic()
    stop = False

    def on_signal(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    inbuf = b""
    stdin_open = True
    print("ready", flush=True)
    while not stop:
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, out, frame = heapq.heappop(heap)
            try:
                out.send(frame)
            except OSError:
                # The egress queue (a tbf bottleneck) was full: a tail drop.
                dropped["queue"] += 1
        timeout = max(0.0, heap[0][0] - now) if heap else 0.5
        rl = [sa, sb] + ([stdin] if stdin_open else [])
        try:
            ready, _, _ = select.select(rl, [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for r in ready:
            if r == stdin:
                try:
                    chunk = os.read(stdin, 4096)
                except BlockingIOError:
                    continue
                if not chunk:
                    stdin_open = False
                    stop = True
                    continue
                inbuf += chunk
                while b"\n" in inbuf:
                    line, inbuf = inbuf.split(b"\n", 1)
                    words = line.decode().split()
                    if words[:1] == ["blackout"]:
                        black_until = now + float(words[1])
                    elif words[:1] == ["loss"]:
                        loss = float(words[1])
                continue
            out, way = peer[r.fileno()]
            for _ in range(64):
                try:
                    frame, addr = r.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                if now < black_until:
                    dropped["blackout"] += 1
                    if tcp_payload(frame):
                        dropped["blackoutData"] += 1
                    continue
                if way == "ab" and loss > 0:
                    n = tcp_payload(frame)
                    if n and rnd.random() < loss:
                        dropped["loss"] += 1
                        dropped["lossBytes"] += n
                        if len(drops) < 1000:
                            drops.append(round(now - t0, 6))
                        continue
                fwd[way] += 1
                seq += 1
                heapq.heappush(heap, (now + delay, seq, out, frame))
    # Held frames go out before the report (as netem's queue would drain).
    for _, _, out, frame in sorted(heap, key=lambda x: (x[0], x[1])):
        try:
            out.send(frame)
        except OSError:
            dropped["queue"] += 1
    print(json.dumps({"forwarded": fwd, "dropped": dropped, "dropTimes": drops}), flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bridge")
    b.add_argument("--a", required=True)
    b.add_argument("--b", required=True)
    b.add_argument("--delay-ms", type=float, default=0.0)
    b.add_argument("--loss", type=float, default=0.0)
    b.add_argument("--seed", type=int, default=1)
    o = sub.add_parser("offload-off")
    o.add_argument("ifname")
    args = ap.parse_args()
    if args.cmd == "offload-off":
        return offload_off(args.ifname)
    return bridge(args)


if __name__ == "__main__":
    sys.exit(main())
