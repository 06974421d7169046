"""Messages rendered from the Jinja2 templates in `templates/`, one file per kind.

Each template extends `_email.txt` (the e-mail's greeting and sign-off) and
fills three blocks: `content` (the e-mail's body), `subject` and `sms`. Plain
text only; HTML templates, if any are added, are escaped. Undefined names
fail: a message never goes out with a gap where the order number should be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from subgraphs.notifications.models import Kind

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
BLOCKS = ("subject", "content", "sms")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    email_body: str
    sms_body: str


class Renderer:
    def __init__(self, directory: Path = TEMPLATES) -> None:
        self._environment = Environment(
            loader=FileSystemLoader(directory),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            keep_trailing_newline=False,
        )
        # Loaded (and checked) once, at start-up, not at the first event of a kind.
        self._templates = {kind: self._load(kind) for kind in Kind}

    def _load(self, kind: Kind) -> Template:
        template = self._environment.get_template(f"{kind.value.lower()}.txt")
        missing = [block for block in BLOCKS if block not in template.blocks]
        if missing:
            raise ValueError(f"template of {kind.value} lacks the blocks {missing}")
        return template

    def render(self, kind: Kind, values: Mapping[str, Any]) -> Rendered:
        template = self._templates[kind]
        context = template.new_context(dict(values))
        subject = "".join(template.blocks["subject"](context))
        sms = "".join(template.blocks["sms"](context))
        return Rendered(
            # Header and text message: one line each, whatever the template's layout.
            subject=" ".join(subject.split()),
            email_body=template.render(values).strip() + "\n",
            sms_body=" ".join(sms.split()),
        )
