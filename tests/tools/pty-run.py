#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/tools/pty-run.py COLS CMD [ARG...]

Run CMD with its standard output on a pseudo-terminal COLS columns wide
(set with TIOCSWINSZ, as a terminal emulator does) and print what it wrote
there, unchanged but for the terminal's CR before LF (output post-processing
is turned off). Standard input is /dev/null, standard error is inherited.
The exit status is CMD's. For tests/text-layout.sh: prisma-gate wraps its
text report only when stdout is a terminal.
"""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    cols = int(sys.argv[1])
    argv = sys.argv[2:]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # no LF -> CRLF
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.dup2(slave, 1)
        os.close(slave)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(slave)
    out = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        out += data
    os.close(master)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(bytes(out))
    sys.stdout.flush()
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
