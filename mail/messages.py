"""Mail as FlickList writes it: each message in plain text and in HTML, both made from the
templates in templates/mail/ (NAME.txt and NAME.html) with the same values."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..settings import PACKAGE_DIR

mail_templates = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates" / "mail"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def compose(sender: str, to: str, subject: str, template: str, **values: object) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    # Asks mail servers not to answer it with out-of-office replies (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    values = {"subject": subject, **values}
    message.set_content(mail_templates.get_template(f"{template}.txt").render(values))
    message.add_alternative(mail_templates.get_template(f"{template}.html").render(values), subtype="html")
    return message
