"""A tiny causal LM, a tokenizer trained on the fly, and small texts: no downloads.

The byte-level BPE decodes exactly what it encoded, so text recovered from `input_ids` is
the text that went in (a WordLevel vocabulary would turn URLs into [UNK]).
"""

from __future__ import annotations

from typing import Any

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
        # No dropout: two runs from the same weights on the same batches end identical.
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return GPT2LMHeadModel(config)


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


def same_weights(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import torch

    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
