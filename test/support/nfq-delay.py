#!/usr/bin/env python3
# Adds a fixed one-way delay to packets, because this kernel has no netem qdisc.
# An iptables rule in the same network namespace sends packets to queue Q with
# `-j NFQUEUE --queue-num Q --queue-bypass`; we hold each one for DELAY_MS and then accept it,
# in arrival order. With --queue-bypass, traffic flows undelayed if this process dies, so a
# crashed delayer slows nothing down and drops nothing.
# Only the Python standard library and the system's libnetfilter_queue.so.1 (via ctypes).
# Usage: nfq-delay.py DELAY_MS [QUEUE_NUM]
import collections
import ctypes
import os
import select
import socket
import sys
import time

NF_ACCEPT = 1
NFQNL_COPY_PACKET = 2  # COPY_NONE makes the kernel drop instead of queue, so copy a few bytes
COPY_RANGE = 64

delay_s = float(sys.argv[1]) / 1000.0
queue_num = int(sys.argv[2]) if len(sys.argv) > 2 else 0

nfq = ctypes.CDLL("libnetfilter_queue.so.1")
handle_t = ctypes.c_void_p
nfq.nfq_open.restype = handle_t
nfq.nfq_bind_pf.argtypes = [handle_t, ctypes.c_uint16]
nfq.nfq_unbind_pf.argtypes = [handle_t, ctypes.c_uint16]
nfq.nfq_create_queue.restype = handle_t
nfq.nfq_create_queue.argtypes = [handle_t, ctypes.c_uint16, ctypes.c_void_p, ctypes.c_void_p]
nfq.nfq_set_mode.argtypes = [handle_t, ctypes.c_uint8, ctypes.c_uint]
nfq.nfq_set_queue_maxlen.argtypes = [handle_t, ctypes.c_uint32]
nfq.nfq_fd.argtypes = [handle_t]
nfq.nfq_handle_packet.argtypes = [handle_t, ctypes.c_char_p, ctypes.c_int]
nfq.nfq_get_msg_packet_hdr.restype = ctypes.POINTER(ctypes.c_uint8)
nfq.nfq_get_msg_packet_hdr.argtypes = [ctypes.c_void_p]
nfq.nfq_set_verdict.argtypes = [handle_t, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p]

held = collections.deque()  # (release_at, packet_id), release times only grow

CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


@CALLBACK
def on_packet(_queue, _msg, nfad, _data):
    header = nfq.nfq_get_msg_packet_hdr(nfad)
    packet_id = int.from_bytes(bytes(header[0:4]), "big")  # packet_id is network order
    held.append((time.monotonic() + delay_s, packet_id))
    return 0


lib = nfq.nfq_open()
if not lib:
    sys.exit("nfq_open failed (is this run as root inside the namespace?)")
nfq.nfq_unbind_pf(lib, socket.AF_INET)
nfq.nfq_bind_pf(lib, socket.AF_INET)
queue = nfq.nfq_create_queue(lib, queue_num, ctypes.cast(on_packet, ctypes.c_void_p), None)
if not queue:
    sys.exit("nfq_create_queue failed (queue %d already taken?)" % queue_num)
nfq.nfq_set_mode(queue, NFQNL_COPY_PACKET, COPY_RANGE)
nfq.nfq_set_queue_maxlen(queue, 65536)
fd = nfq.nfq_fd(lib)

print("ready", flush=True)
while True:
    wait = max(0.0, held[0][0] - time.monotonic()) if held else None
    readable, _, _ = select.select([fd], [], [], wait)
    if readable:
        message = os.read(fd, 65536)
        nfq.nfq_handle_packet(lib, message, len(message))
    now = time.monotonic()
    while held and held[0][0] <= now:
        nfq.nfq_set_verdict(queue, held.popleft()[1], NF_ACCEPT, 0, None)
