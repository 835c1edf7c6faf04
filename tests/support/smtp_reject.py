"""An aiosmtpd handler that refuses every recipient with a permanent 550,
recording each attempt as a file in DIR (so a test can count retries).

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_reject.Reject DIR
"""

import os
import time


class Reject:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("Reject needs one argument: the directory for attempt records")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        name = "attempt-%d-%d" % (time.time_ns(), os.getpid())
        with open(os.path.join(self.directory, name), "w") as f:
            f.write(address + "\n")
        return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
