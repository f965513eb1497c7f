#!/usr/bin/env python3
"""Delays every packet of a netfilter queue by a fixed time, for kernels without the netem qdisc.

An iptables rule such as

    iptables -A OUTPUT -o eth0 -j NFQUEUE --queue-num 20 --queue-bypass

hands each matching packet to the kernel's nfnetlink_queue. This program binds that queue over a
raw netlink socket (Python standard library only), receives each packet's metadata (no payload),
holds its id for --delay-ms milliseconds and then gives the verdict NF_ACCEPT, so the kernel sends
the packet on. (Loss is left to other rules, e.g. iptables' statistic match.)

The delay is the same for every packet, so packets leave in the order they came: the held ids form
a FIFO. At most --max-held packets wait in the kernel (NFQA_CFG_QUEUE_MAXLEN); the kernel drops what
arrives beyond that, as netem drops beyond its limit. --queue-bypass on the rule lets packets through
undelayed while no program is bound, so traffic never blackholes if this one dies.

On SIGTERM or SIGINT (or after --max-seconds) it accepts every packet it still holds, prints one
line of counts and exits 0. It prints "bound queue N" once the kernel has accepted its configuration.

Usage: nfqueue_delay.py --queue 20 --delay-ms 20 [--max-held 1000] [--max-seconds 600]
Needs CAP_NET_ADMIN in the network namespace whose queue it binds (run it with `ip netns exec NS`).
"""

import argparse
import collections
import errno
import os
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2

NLMSG_ERROR = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLA_TYPE_MASK = 0x3FFF  # without NLA_F_NESTED and NLA_F_NET_BYTEORDER

NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQA_CFG_MASK = 4
NFQA_CFG_FLAGS = 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_COPY_META = 1
# The kernel may queue GSO packets whole: with metadata only there is no checksum to complete.
NFQA_CFG_F_GSO = 0x4

NF_ACCEPT = 1

NLMSGHDR = struct.Struct("=IHHII")  # length, type, flags, sequence, port id (host order)
NFGENMSG = struct.Struct("!BBH")  # family, version, resource id = queue number (network order)
NLATTR = struct.Struct("=HH")  # length, type (host order)

SO_RCVBUFFORCE = 33  # not in Python's socket module
MAX_MESSAGE_BYTES = 65536
RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024


class NetlinkError(Exception):
    pass


def attribute(kind, payload):
    """One netlink attribute, padded to four bytes."""
    length = NLATTR.size + len(payload)
    return NLATTR.pack(length, kind) + payload + b"\0" * (-length % 4)


def attributes(data):
    """Yields (type, payload) for each attribute in data; stops at a malformed one."""
    offset = 0
    while offset + NLATTR.size <= len(data):
        length, kind = NLATTR.unpack_from(data, offset)
        if length < NLATTR.size or offset + length > len(data):
            return
        yield kind & NLA_TYPE_MASK, data[offset + NLATTR.size:offset + length]
        offset += (length + 3) & ~3


class Queue:
    """A bound nfnetlink queue: configuration, packet ids in, verdicts out."""

    def __init__(self, number, max_held):
        self.number = number
        self.sequence = 0
        # Packets announced while the configuration was still being acknowledged.
        self.early_ids = []
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        try:
            # SO_RCVBUFFORCE (root) goes past net.core.rmem_max; held packets wait in the kernel,
            # but their notifications must not overflow the socket while we sleep.
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        self.sock.bind((0, 0))
        self.configure(attribute(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, socket.AF_INET)))
        self.configure(attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META)))
        self.configure(attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", max_held)))
        self.configure(attribute(NFQA_CFG_FLAGS, struct.pack("!I", NFQA_CFG_F_GSO))
                       + attribute(NFQA_CFG_MASK, struct.pack("!I", NFQA_CFG_F_GSO)))

    def send(self, message_type, flags, body):
        self.sequence += 1
        header = NLMSGHDR.pack(NLMSGHDR.size + NFGENMSG.size + len(body),
                               (NFNL_SUBSYS_QUEUE << 8) | message_type, NLM_F_REQUEST | flags, self.sequence, 0)
        self.sock.send(header + NFGENMSG.pack(socket.AF_UNSPEC, 0, self.number) + body)

    def configure(self, body):
        """Sends one configuration message and waits for the kernel's acknowledgement."""
        self.send(NFQNL_MSG_CONFIG, NLM_F_ACK, body)
        while True:
            data = self.sock.recv(MAX_MESSAGE_BYTES)
            self.early_ids.extend(self.announced_ids(data))
            for message_type, sequence, payload in self.messages(data):
                if message_type == NLMSG_ERROR and sequence == self.sequence:
                    code = -struct.unpack_from("=i", payload)[0]
                    if code:
                        # EPERM also when another socket has bound the queue already.
                        hint = " (bound by another program?)" if code == errno.EPERM else ""
                        raise NetlinkError("queue %d configuration refused: %s%s"
                                           % (self.number, os.strerror(code), hint))
                    return

    @staticmethod
    def messages(data):
        """Yields (type, sequence, payload) for each netlink message in one datagram."""
        offset = 0
        while offset + NLMSGHDR.size <= len(data):
            length, message_type, _, sequence, _ = NLMSGHDR.unpack_from(data, offset)
            if length < NLMSGHDR.size or offset + length > len(data):
                return
            yield message_type, sequence, data[offset + NLMSGHDR.size:offset + length]
            offset += (length + 3) & ~3

    def packet_ids(self, most):
        """Reads up to `most` waiting messages without blocking; returns the packet ids they announce."""
        ids = []
        for _ in range(most):
            try:
                data = self.sock.recv(MAX_MESSAGE_BYTES, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            ids.extend(self.announced_ids(data))
        return ids

    def announced_ids(self, data):
        """The ids of the packets one datagram announces."""
        ids = []
        for message_type, _, payload in self.messages(data):
            if message_type != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue  # an acknowledgement, or the error answer to a verdict the kernel could not apply
            for kind, value in attributes(payload[NFGENMSG.size:]):
                if kind == NFQA_PACKET_HDR and len(value) >= 4:
                    ids.append(struct.unpack_from("!I", value)[0])
        return ids

    def verdict(self, packet_id, verdict):
        self.send(NFQNL_MSG_VERDICT, 0, attribute(NFQA_VERDICT_HDR, struct.pack("!II", verdict, packet_id)))

    def close(self):
        try:
            self.send(NFQNL_MSG_CONFIG, 0, attribute(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_UNBIND, 0)))
        finally:
            self.sock.close()


def run(options):
    queue = Queue(options.queue, options.max_held)
    print("bound queue %d: delay %g ms, at most %d held" % (options.queue, options.delay_ms, options.max_held),
          flush=True)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    # A parent may start us with them blocked (children of a `swift test` process inherit such a mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    delay = options.delay_ms / 1000.0
    end = time.monotonic() + options.max_seconds if options.max_seconds else None
    # (due time, packet id), due times ascending
    held = collections.deque((time.monotonic() + delay, packet_id) for packet_id in queue.early_ids)
    counts = {"delayed": 0, "most_held": 0, "overruns": 0}
    try:
        while not stopping and (end is None or time.monotonic() < end):
            now = time.monotonic()
            while held and held[0][0] <= now:
                queue.verdict(held.popleft()[1], NF_ACCEPT)
                counts["delayed"] += 1
            timeout = max(0.0, held[0][0] - now) if held else 0.5
            # A signal cuts the wait short only once its handler has run (then `stopping` is set).
            readable, _, _ = select.select([queue.sock], [], [], timeout)
            if not readable:
                continue
            try:
                ids = queue.packet_ids(most=256)
            except OSError as error:
                if error.errno != errno.ENOBUFS:
                    raise
                counts["overruns"] += 1  # the kernel dropped notifications it could not deliver
                continue
            arrival = time.monotonic()
            held.extend((arrival + delay, packet_id) for packet_id in ids)
            counts["most_held"] = max(counts["most_held"], len(held))
    finally:
        while held:
            queue.verdict(held.popleft()[1], NF_ACCEPT)
            counts["delayed"] += 1
        queue.close()
    print("queue %d: delayed %d packets, at most %d held at once, %d receive overruns"
          % (options.queue, counts["delayed"], counts["most_held"], counts["overruns"]), flush=True)


def main():
    parser = argparse.ArgumentParser(description="Delay the packets of a netfilter queue.")
    parser.add_argument("--queue", type=int, required=True, help="queue number of the NFQUEUE rule (0-65535)")
    parser.add_argument("--delay-ms", type=float, required=True, help="how long each packet is held")
    parser.add_argument("--max-held", type=int, default=1000, help="packets the kernel queue holds at most")
    parser.add_argument("--max-seconds", type=float, default=0.0, help="exit after this long (0: until SIGTERM)")
    options = parser.parse_args()
    if not 0 <= options.queue <= 0xFFFF:
        parser.error("--queue must be within 0-65535")
    if not 0 <= options.delay_ms <= 10_000:
        parser.error("--delay-ms must be within 0-10000")
    if not 1 <= options.max_held <= 1_000_000:
        parser.error("--max-held must be within 1-1000000")
    try:
        run(options)
    except (OSError, NetlinkError) as error:
        print("nfqueue_delay: %s" % error, file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
