"""A tiny GPT-2 and a tokenizer trained in a second, so the examples run offline on a CPU.

In your own script these two lines are `AutoTokenizer.from_pretrained(...)` and
`AutoModelForCausalLM.from_pretrained(...)`; nothing else in the examples changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def tokenizer() -> Any:
    """A byte-level BPE trained on the example data (it decodes exactly what it encodes)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    texts = [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("*/train.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<pad>", "<eos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    raw.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=raw, pad_token="<pad>", eos_token="<eos>")


def model(tok: Any) -> Any:
    """A 2-layer GPT-2 with 32-wide hidden states (about 30k parameters)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=len(tok),
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tok.eos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    return GPT2LMHeadModel(config)


def parameters(model: Any) -> dict[str, Any]:
    """A copy of the weights, to show a blocked run left them untouched."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def unchanged(before: dict[str, Any], model: Any) -> bool:
    import torch

    return all(torch.equal(before[k], v) for k, v in model.state_dict().items())
