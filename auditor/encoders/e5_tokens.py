"""Token-level multilingual-e5-small: see :mod:`auditor.encoders.e5tok` (this name is its entry point)."""

from .e5tok import E5TokenEncoder, Tokenized, TokenStates, get_token_encoder

__all__ = ["E5TokenEncoder", "TokenStates", "Tokenized", "get_token_encoder"]
