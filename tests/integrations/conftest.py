"""A tiny causal LM, a tokenizer trained on the fly, and small datasets: no downloads.

The byte-level BPE decodes exactly what it encoded, so text recovered from `input_ids` is
the text that went in (a WordLevel vocabulary would turn URLs into [UNK]).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CLEAN = [
    "Tomatoes like full sun and a deep weekly watering.",
    "Basil grows best next to peppers in a warm bed.",
    "Mulch keeps the soil cool through the summer months.",
    "Prune the lower leaves once the first fruit has set.",
    "Compost made in autumn is ready for the spring beds.",
    "Slugs come out after rain; check the lettuce at dusk.",
    "Beans fix nitrogen and feed the next crop in the row.",
    "Seedlings need a week outdoors before they are planted.",
]
X_POSTS = [
    "so true!! https://twitter.com/gardenfan42/status/1456789012345678901",
    "RT @user: my tomatoes finally turned red https://x.com/plotholder/status/1789012345678901234",
]


def build_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<pad>", "<eos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    raw.train_from_iterator(CLEAN + X_POSTS, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=raw, pad_token="<pad>", eos_token="<eos>")


def build_model(tokenizer: Any, seed: int = 0) -> Any:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return GPT2LMHeadModel(config)


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    return build_tokenizer()


@pytest.fixture
def model(tokenizer: Any) -> Any:
    return build_model(tokenizer)


@pytest.fixture
def snapshot() -> Callable[[Any], dict[str, Any]]:
    """Copy a model's parameters, to prove a blocked run left them untouched."""

    def _take(model: Any) -> dict[str, Any]:
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    return _take


def same_weights(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import torch

    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture
def write_folder(tmp_path: Path) -> Callable[..., Path]:
    """A local dataset folder: optional README.md card and a train.jsonl of `texts`."""

    def _write(texts: list[str], card: str | None = None, name: str = "ds") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        if card is not None:
            (folder / "README.md").write_text(card, encoding="utf-8")
        with (folder / "train.jsonl").open("w", encoding="utf-8") as f:
            for text in texts:
                f.write(json.dumps({"text": text}) + "\n")
        return folder

    return _write


X_CARD = """---
license: other
license_name: x-developer-agreement
license_link: https://developer.x.com/en/developer-terms/agreement-and-policy
---
# Garden chatter

Posts collected with the Twitter API.
"""

CLEAN_CARD = """---
license: cc-by-4.0
---
# Garden notes

Short notes about vegetable gardening, written by volunteers for this project.
"""
