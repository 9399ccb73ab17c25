"""The built-in QE network: two small MLPs sharing a language-pair embedding.

Why so small: the inputs are already informative features (see ``features.py``), the
training set is 49k segments, and it must run at hundreds of pairs per second on a
laptop CPU. Index 0 of the pair embedding is "unknown pair", trained by randomly
hiding the pair during training, so unseen pairs (say es-en) still get a score.
"""

from __future__ import annotations


def build_net(n_seg: int, n_word: int, n_pairs: int, pair_dim: int = 8, seg_hidden: int = 64, word_hidden: int = 32):
    """A ``torch.nn.Module`` with ``segment(x, pair)`` -> z and ``word(x, pair, z)`` -> logit."""
    import torch
    from torch import nn

    class QENet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.pair = nn.Embedding(n_pairs + 1, pair_dim)
            self.seg = nn.Sequential(
                nn.Linear(n_seg + pair_dim, seg_hidden), nn.ReLU(), nn.Dropout(0.1),
                nn.Linear(seg_hidden, seg_hidden), nn.ReLU(), nn.Linear(seg_hidden, 1),
            )
            self.wrd = nn.Sequential(
                nn.Linear(n_word + pair_dim + 1, word_hidden), nn.ReLU(),
                nn.Linear(word_hidden, word_hidden), nn.ReLU(), nn.Linear(word_hidden, 1),
            )

        def segment(self, x: torch.Tensor, pair: torch.Tensor) -> torch.Tensor:
            return self.seg(torch.cat([x, self.pair(pair)], dim=1)).squeeze(1)

        def word(self, x: torch.Tensor, pair: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
            return self.wrd(torch.cat([x, self.pair(pair), z.unsqueeze(1)], dim=1)).squeeze(1)

    return QENet()


class NumpyQENet:
    """The same network evaluated with numpy from the trained state dict.

    Inference is a few small matrix products, so the shipped model runs without
    importing torch (about 2 s of a cold start on a laptop CPU, most of a pre-publication
    check). Training still uses :func:`build_net`; ``tests/test_qe.py`` checks that both
    give the same outputs on the shipped weights.
    """

    def __init__(self, state: dict[str, "np.ndarray"], n_seg: int, n_word: int, n_pairs: int) -> None:
        import numpy as np

        self.p = {k: np.asarray(v, dtype=np.float32) for k, v in state.items()}
        need = ("pair.weight", "seg.0.weight", "seg.0.bias", "seg.3.weight", "seg.3.bias", "seg.5.weight",
                "seg.5.bias", "wrd.0.weight", "wrd.0.bias", "wrd.2.weight", "wrd.2.bias", "wrd.4.weight", "wrd.4.bias")
        missing = [k for k in need if k not in self.p]
        if missing:
            raise ValueError(f"missing tensors {', '.join(missing)}")
        pdim = self.p["pair.weight"].shape[1]
        if self.p["pair.weight"].shape[0] != n_pairs + 1:
            raise ValueError(f"pair embedding has {self.p['pair.weight'].shape[0]} rows, expected {n_pairs + 1}")
        if self.p["seg.0.weight"].shape[1] != n_seg + pdim or self.p["wrd.0.weight"].shape[1] != n_word + pdim + 1:
            raise ValueError("tensor shapes do not match the feature counts")

    @staticmethod
    def _linear(x, w, b):
        return x @ w.T + b

    def segment(self, x, pair):
        """z-score per segment: ``x`` (n, n_seg) float32, ``pair`` (n,) int indices."""
        import numpy as np

        p = self.p
        h = np.concatenate([x, p["pair.weight"][pair]], axis=1)
        h = np.maximum(self._linear(h, p["seg.0.weight"], p["seg.0.bias"]), 0.0)
        h = np.maximum(self._linear(h, p["seg.3.weight"], p["seg.3.bias"]), 0.0)
        return self._linear(h, p["seg.5.weight"], p["seg.5.bias"])[:, 0]

    def word(self, x, pair, z):
        """Error logit per word: ``x`` (m, n_word), ``pair`` (m,), ``z`` (m,) its segment's z."""
        import numpy as np

        p = self.p
        h = np.concatenate([x, p["pair.weight"][pair], z[:, None]], axis=1)
        h = np.maximum(self._linear(h, p["wrd.0.weight"], p["wrd.0.bias"]), 0.0)
        h = np.maximum(self._linear(h, p["wrd.2.weight"], p["wrd.2.bias"]), 0.0)
        return self._linear(h, p["wrd.4.weight"], p["wrd.4.bias"])[:, 0]
