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
