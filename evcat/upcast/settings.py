"""Knobs of the upcast layer, read from ``EVCAT_UPCASTER_*`` environment variables.

They belong in ``evcat.settings.Settings``; they live here until that file takes them.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class UpcastSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVCAT_UPCASTER_", extra="ignore")

    modules: str = Field(default="", description="Comma-separated modules of @upcaster code")
    code_drift: str = Field(default="warn", description="warn or fail when pinned code changed")
    samples: int = Field(default=200, description="Generated samples per edge validation")
    max_batch: int = Field(default=10_000, description="Events per POST /v1/upcast")

    @property
    def module_list(self) -> list[str]:
        return [name.strip() for name in self.modules.split(",") if name.strip()]
