"""Prints the messages of a Maildir as JSON, decoded (subjects, parts), for the Rust tests.

Usage: python read_maildir.py MAILDIR
"""

import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser


def main(path):
    out = []
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        with box.get_file(key) as f:
            msg = BytesParser(policy=policy.default).parse(f)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        out.append({
            "message_id": str(msg["Message-ID"] or ""),
            "from": str(msg["From"] or ""),
            "to": str(msg["To"] or ""),
            "subject": str(msg["Subject"] or ""),
            "date": str(msg["Date"] or ""),
            "content_type": msg.get_content_type(),
            "content_language": str(msg["Content-Language"] or ""),
            "auto_submitted": str(msg["Auto-Submitted"] or ""),
            "parts": [p.get_content_type() for p in msg.iter_parts()] if msg.is_multipart() else [],
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else "",
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
