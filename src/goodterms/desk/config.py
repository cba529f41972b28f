"""The ``[desk]`` section of goodterms.toml."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from goodterms.desk.relay import Relay

DEFAULT_CHASE_PHRASES: dict[str, list[str]] = {
    "en": [
        "any news",
        "any update",
        "any progress",
        "still waiting",
        "following up",
        "follow up on",
        "did you get my",
        "did you receive my",
        "haven't heard",
        "have not heard",
        "no reply",
        "no answer",
        "no response",
        "status of my",
        "what is the status",
        "what's the status",
        "checking in",
        "again about",
        "as i wrote",
        "reminder",
    ],
    "et": [
        "uudiseid",
        "kas on uudiseid",
        "ootan endiselt",
        "ootan ikka",
        "ikka ootan",
        "pole vastust",
        "ei ole vastust",
        "ei ole vastanud",
        "pole vastanud",
        "kas saite minu",
        "kas te saite",
        "mis seis",
        "mis on seis",
        "kuidas läheb minu",
        "meeldetuletus",
        "tuletan meelde",
        "jälle",
        "uuesti",
        "veel kord",
        "taas",
    ],
    "th": [
        "มีความคืบหน้า",
        "ความคืบหน้า",
        "ยังไม่ได้รับคำตอบ",
        "ยังไม่ได้คำตอบ",
        "ยังไม่มีใครตอบ",
        "ยังรออยู่",
        "รออยู่นะ",
        "ได้รับอีเมล",
        "ได้รับข้อความ",
        "เป็นยังไงบ้าง",
        "ถึงไหนแล้ว",
        "ไปถึงไหน",
        "ตามเรื่อง",
        "สอบถามอีกครั้ง",
        "อีกครั้ง",
        "ทวงถาม",
    ],
}


#: Room in a message for its headers and text besides its largest attachment.
MESSAGE_OVERHEAD_BYTES = 256 * 1024


def encoded_size(attachment_bytes: int) -> int:
    """Bytes an attachment takes inside a mail: base64 (4 per 3) in 76-character lines ending CRLF."""
    chars = -(-attachment_bytes // 3) * 4
    return chars + 2 * -(-chars // 76)


def smallest_message_limit(max_attachment_bytes: int) -> int:
    """The smallest ``max_message_bytes`` that still carries one attachment at the attachment limit."""
    return encoded_size(max_attachment_bytes) + MESSAGE_OVERHEAD_BYTES


class DeskSettings(BaseModel):
    """How the request desk receives, acknowledges and folds repeats."""

    model_config = ConfigDict(extra="forbid")
    relay_host: str = Field(
        "127.0.0.1", description="Outgoing SMTP relay (submission server) for all mail goodterms sends."
    )
    relay_port: int = Field(
        25, description="Outgoing SMTP relay port (587 for STARTTLS submission, 465 for implicit TLS)."
    )
    relay_tls: Literal["implicit", "starttls", "none"] = Field(
        "none",
        description=(
            "TLS to the relay: starttls (port 587), implicit (port 465) or none (a relay on this machine only); "
            "the certificate is always verified."
        ),
    )
    relay_user: str | None = Field(
        None, description="User name for SMTP AUTH (PLAIN or LOGIN, only over TLS); none: no login."
    )
    relay_password_env: str | None = Field(
        None, description="Name of the environment variable holding the relay password (never the password)."
    )
    relay_password_file: str | None = Field(
        None, description="Path of a file holding the relay password (instead of relay_password_env)."
    )
    relay_ca_file: str | None = Field(
        None, description="PEM file of the CA that signed the relay's certificate (default: system CAs)."
    )
    from_address: str | None = Field(
        None, description="From address of acknowledgements (default: the business e-mail)."
    )
    max_message_bytes: int = Field(
        28 * 1024 * 1024,
        description=(
            "Largest message accepted, as sent (attachments base64-encoded); larger mail is refused with "
            "SMTP 552 and the refusal recorded. Must carry one attachment of max_attachment_bytes "
            "(about 4/3 of it plus 256 KiB)."
        ),
    )
    max_attachment_bytes: int = Field(
        20 * 1024 * 1024, description="Largest single attachment (decoded); a larger one refuses the message."
    )
    template_dir: str | None = Field(
        None,
        description="Folder with th/et/en ack.txt.j2 and repeat_ack.txt.j2 that override the built-in texts.",
    )
    repeat_threshold: float = Field(
        0.4, description="Similarity (0-1) above which a new message repeats an open request."
    )
    reference_prefix: str = Field("GT", description="Prefix of request references, e.g. [GT-000123].")
    chase_phrases: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_CHASE_PHRASES.items()},
        description="Phrases per language (th, et, en) that mean 'any news on my request?'.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(k in data for k in ("relay_password", "password", "relay_pass")):
            raise ValueError(
                "passwords are never kept in goodterms.toml: set relay_password_env (the name of an "
                "environment variable) or relay_password_file (a file's path) instead"
            )
        return data

    @model_validator(mode="after")
    def _relay_login(self) -> DeskSettings:
        if self.relay_user is not None and self.relay_tls == "none":
            raise ValueError("relay_user is set but relay_tls is none: a password is never sent without TLS")
        if self.relay_password_env and self.relay_password_file:
            raise ValueError("set relay_password_env or relay_password_file, not both")
        return self

    def relay(self) -> Relay:
        """The relay as configured here (the password itself is read only when connecting)."""
        return Relay(
            host=self.relay_host,
            port=self.relay_port,
            tls=self.relay_tls,
            user=self.relay_user,
            password_env=self.relay_password_env,
            password_file=self.relay_password_file,
            ca_file=self.relay_ca_file,
        )

    @model_validator(mode="after")
    def _limits_agree(self) -> DeskSettings:
        needed = smallest_message_limit(self.max_attachment_bytes)
        if self.max_message_bytes < needed:
            raise ValueError(
                f"max_message_bytes ({self.max_message_bytes}) cannot carry an attachment of "
                f"max_attachment_bytes ({self.max_attachment_bytes}): encoded for mail it takes "
                f"{encoded_size(self.max_attachment_bytes)} bytes; set max_message_bytes to at least {needed} "
                "or lower max_attachment_bytes"
            )
        return self
