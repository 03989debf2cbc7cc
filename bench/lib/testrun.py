#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Cost of one BPF program run on one frame, warm, through BPF_PROG_TEST_RUN.

    testrun.py PROG_ID FRAME_FILE IFINDEX [RUNS]

Runs the tc program PROG_ID on the frame RUNS times (default 20000), each a test run
of its own (repeat = 1: the bridge port program rewrites the frame it forwards, so a
kernel-side repeat would feed it its own output), with a struct __sk_buff context whose
ifindex is IFINDEX (a device of the caller's network namespace: run it in the netns the
frame came from). Prints the verdicts seen and the median and 10th percentile of the
kernel-measured duration per run (ns; the clock read around one run is included).
Only the bpf(2) system call, through ctypes: no libbpf binding needed.
"""
import ctypes
import os
import statistics
import struct
import sys

BPF_PROG_TEST_RUN = 10
BPF_PROG_GET_FD_BY_ID = 13
SYS_BPF = 321  # x86_64


def bpf(libc, cmd, attr):
    r = libc.syscall(SYS_BPF, cmd, ctypes.byref(attr), ctypes.sizeof(attr))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, f"bpf({cmd}): {os.strerror(e)}")
    return r


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    prog_id, frame, ifindex = int(sys.argv[1]), open(sys.argv[2], "rb").read(), int(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20000
    libc = ctypes.CDLL(None, use_errno=True)

    attr = ctypes.create_string_buffer(128)
    struct.pack_into("<I", attr, 0, prog_id)
    fd = bpf(libc, BPF_PROG_GET_FD_BY_ID, attr)

    data_in = ctypes.create_string_buffer(frame, len(frame))
    data_out = ctypes.create_string_buffer(len(frame) + 256)
    ctx = bytearray(192)
    struct.pack_into("<I", ctx, 40, ifindex)  # struct __sk_buff.ifindex
    ctx_in = ctypes.create_string_buffer(bytes(ctx), len(ctx))
    durs, verdicts = [], {}
    for _ in range(runs):
        a = ctypes.create_string_buffer(128)
        # union bpf_attr.test: prog_fd, retval, data_size_in, data_size_out, data_in,
        # data_out, repeat, duration, ctx_size_in, ctx_size_out, ctx_in, ctx_out
        struct.pack_into("<IIIIQQII IIQQ", a, 0, fd, 0, len(frame), len(data_out),
                         ctypes.addressof(data_in), ctypes.addressof(data_out), 1, 0,
                         len(ctx), 0, ctypes.addressof(ctx_in), 0)
        bpf(libc, BPF_PROG_TEST_RUN, a)
        retval, = struct.unpack_from("<I", a, 4)
        dur, = struct.unpack_from("<I", a, 36)
        durs.append(dur)
        verdicts[retval] = verdicts.get(retval, 0) + 1
    durs.sort()
    print(f"verdicts {verdicts}, median {statistics.median(durs):.0f} ns, "
          f"p10 {durs[len(durs) // 10]} ns per run ({runs} runs)")


if __name__ == "__main__":
    main()
