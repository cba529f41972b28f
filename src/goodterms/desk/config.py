"""The ``[desk]`` section of goodterms.toml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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


class DeskSettings(BaseModel):
    """How the request desk receives, acknowledges and folds repeats."""

    model_config = ConfigDict(extra="forbid")
    relay_host: str = Field("127.0.0.1", description="Outgoing SMTP relay host for acknowledgements.")
    relay_port: int = Field(25, description="Outgoing SMTP relay port.")
    from_address: str | None = Field(
        None, description="From address of acknowledgements (default: the business e-mail)."
    )
    max_message_bytes: int = Field(
        25 * 1024 * 1024, description="Largest message accepted; larger mail is refused with SMTP 552."
    )
    max_attachment_bytes: int = Field(
        20 * 1024 * 1024, description="Largest single attachment; a larger one refuses the message."
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
