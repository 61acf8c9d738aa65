#!/usr/bin/env python3
"""lab-tcp.py - real Linux TCP senders and receivers for the verdict lab (tcp-verdict-lab.test.ts).

  lab-tcp.py server --bind ADDR --port P [--rcvbuf N] [--mode sink|reqresp]
                    [--stall-after BYTES --stall-ms MS] [--req N --resp N]
      Accepts one connection. sink: reads everything (after --stall-after bytes it stops reading
      for --stall-ms, so its window fills and closes). reqresp: reads --req bytes, answers --resp
      bytes, until the client closes. Prints "listening" when ready, then a JSON summary at the end.
  lab-tcp.py client --host ADDR --port P [--nodelay] [--sndbuf N] [--cc cubic|bbr|reno]
                    (--bulk BYTES | --chunk N --interval-ms MS --count K | --turns K --parts A,B --resp N)
      bulk: writes BYTES as fast as the socket takes them (--mark-after N: prints "mark" once N
      bytes are written, for the test to act mid-transfer). chunk: writes N bytes every MS
      milliseconds, K times. turns: K request/response turns, each request written in separate
      writes of the sizes in --parts (e.g. header then body), then the whole response read.
      Prints a JSON summary (bytes, seconds, TCP_INFO retransmission counters) at the end.

Every socket option is set before connect/listen, so the handshake already carries it. The client
uses CUBIC unless --cc says otherwise (a namespace inherits the host's default, which may be BBR,
and may not change it: only root's per-socket TCP_CONGESTION can).
"""
import argparse
import json
import socket
import struct
import sys
import time


def tcp_info(s):
    """A few fields of struct tcp_info (linux/tcp.h): retransmissions as the kernel counted them."""
    raw = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    # u8 state, ca_state, retransmits, probes, backoff, options, wscale, flags; then u32s.
    u8 = struct.unpack_from("8B", raw, 0)
    u32 = struct.unpack_from("24I", raw, 8)
    # u32 order: rto ato snd_mss rcv_mss unacked sacked lost retrans fackets last_data_sent
    # last_ack_sent last_data_recv last_ack_recv pmtu rcv_ssthresh rtt rttvar snd_ssthresh
    # snd_cwnd advmss reordering rcv_rtt rcv_space total_retrans
    info = {
        "cc": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).split(b"\0")[0].decode(),
        "caState": u8[1],
        "rtoUs": u32[0],
        "sndMss": u32[2],
        "rcvMss": u32[3],
        "rttUs": u32[15],
        "sndCwnd": u32[18],
        "totalRetrans": u32[23],
    }
    # tcpi_bytes_retrans etc. are later; tcpi_total_retrans is the segments the kernel resent.
    return info


def server(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.rcvbuf:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    ls.bind((a.bind, a.port))
    ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    got = 0
    turns = 0
    t0 = time.monotonic()
    stalled = False
    stall_at = None
    if a.mode == "sink":
        while True:
            if a.stall_after and not stalled and got >= a.stall_after:
                stalled = True
                stall_at = round(time.monotonic() - t0, 6)
                time.sleep(a.stall_ms / 1000.0)
            b = c.recv(65536 if not a.rcvbuf else a.rcvbuf)
            if not b:
                break
            got += len(b)
    else:
        buf = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            got += len(b)
            buf += b
            while len(buf) >= a.req:
                buf = buf[a.req:]
                c.sendall(b"r" * a.resp)
                turns += 1
    out = {"received": got, "turns": turns, "seconds": round(time.monotonic() - t0, 6), "stallAt": stall_at,
           "rcvbuf": c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}
    c.close()
    print(json.dumps(out), flush=True)


def client(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if a.nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if a.sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, a.sndbuf)
    if a.cc:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
    s.connect((a.host, a.port))
    print("connected", flush=True)
    t0 = time.monotonic()
    sent = 0
    if a.bulk:
        block = b"b" * 65536
        marked = False
        while sent < a.bulk:
            n = s.send(block[: min(len(block), a.bulk - sent)])
            sent += n
            if a.mark_after and not marked and sent >= a.mark_after:
                marked = True
                print("mark", flush=True)
    elif a.chunk:
        data = b"c" * a.chunk
        for i in range(a.count):
            s.sendall(data)
            sent += a.chunk
            if i + 1 < a.count:
                time.sleep(a.interval_ms / 1000.0)
    elif a.turns:
        parts = [int(x) for x in a.parts.split(",")]
        for _ in range(a.turns):
            for n in parts:
                s.sendall(b"q" * n)
                sent += n
            want = a.resp
            while want > 0:
                b = s.recv(want)
                if not b:
                    raise SystemExit("server closed early")
                want -= len(b)
    # Wait until everything is acknowledged (TCP_INFO unacked = 0) so the capture holds the end.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        raw = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
        if struct.unpack_from("24I", raw, 8)[4] == 0:
            break
        time.sleep(0.005)
    info = tcp_info(s)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()
    print(json.dumps({"sent": sent, "seconds": round(time.monotonic() - t0, 6), "tcpInfo": info}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("server")
    sv.add_argument("--bind", required=True)
    sv.add_argument("--port", type=int, required=True)
    sv.add_argument("--rcvbuf", type=int, default=0)
    sv.add_argument("--mode", choices=["sink", "reqresp"], default="sink")
    sv.add_argument("--stall-after", type=int, default=0)
    sv.add_argument("--stall-ms", type=float, default=0)
    sv.add_argument("--req", type=int, default=0)
    sv.add_argument("--resp", type=int, default=0)
    cl = sub.add_parser("client")
    cl.add_argument("--host", required=True)
    cl.add_argument("--port", type=int, required=True)
    cl.add_argument("--nodelay", action="store_true")
    cl.add_argument("--sndbuf", type=int, default=0)
    cl.add_argument("--cc", default="cubic")
    cl.add_argument("--bulk", type=int, default=0)
    cl.add_argument("--mark-after", type=int, default=0)
    cl.add_argument("--chunk", type=int, default=0)
    cl.add_argument("--interval-ms", type=float, default=0)
    cl.add_argument("--count", type=int, default=0)
    cl.add_argument("--turns", type=int, default=0)
    cl.add_argument("--parts", default="")
    cl.add_argument("--resp", type=int, default=0)
    a = ap.parse_args()
    if a.cmd == "server":
        server(a)
    else:
        client(a)


if __name__ == "__main__":
    main()
