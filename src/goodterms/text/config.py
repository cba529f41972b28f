"""The ``[text]`` section of goodterms.toml: how the tone of client messages is read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TextSettings(BaseModel):
    """How goodterms reads client messages."""

    model_config = ConfigDict(extra="forbid")
    tone_model: Literal["default", "embed"] = Field(
        "default",
        description=(
            "Tone model for the assessment and `tone fill`/`tone learn`: 'default' (numpy only, about 2,000 "
            "messages a second per core) or 'embed' (adds multilingual-e5-small sentence embeddings: better on "
            "English rudeness and Estonian, about 60-80 messages a second per core; needs the goodterms[embed] "
            "extra, without it the default model is used and a warning logged). See docs/text-quality.md."
        ),
    )

    @property
    def embed(self) -> bool:
        """Whether the embedding path is wanted."""
        return self.tone_model == "embed"
