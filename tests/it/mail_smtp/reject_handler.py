"""aiosmtpd handler for the mail tests: stores mail in a Maildir like
`aiosmtpd.handlers.Mailbox`, but answers RCPT TO with a permanent
`550 5.1.1` for any recipient whose local part starts with "reject".

Run: PYTHONPATH=tests/it/mail_smtp python -m aiosmtpd -n -l 127.0.0.1:PORT \
         -c reject_handler.RejectingMailbox MAILDIR
"""

from aiosmtpd.handlers import Mailbox


class RejectingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
