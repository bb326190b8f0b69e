"""Issue 10 (part B): every dataset type the Trainer accepts is checked before step 1.

Torch map-style datasets of tuple or string rows, datasets whose items differ from the sample
read up front, WordPiece-decoded text, token IDs with no tokenizer, and the audit record of a
run blocked mid-stream. Real Trainer, real tiny models, CPU.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import datasets
import pytest
import torch
from tinylm import CLEAN, X_POSTS, same_weights
from transformers import Trainer, TrainingArguments

from guardrail import GuardrailCallback
from guardrail.config import GuardrailConfig
from guardrail.errors import GuardrailViolation
from guardrail.integrations.shared import BatchScanner, texts_batch
from guardrail.integrations.transformers import audit
from guardrail.integrations.transformers.row_text import detokenise, parts
from guardrail.integrations.transformers.training_data import decode

pytestmark = pytest.mark.slow


def collate(tok: Any) -> Any:
    """Pad token-ID tuples or tokenize strings into a causal-LM batch."""

    def _collate(rows: list[Any]) -> dict[str, Any]:
        if isinstance(rows[0], str):
            return dict(tok(rows, padding=True, return_tensors="pt")) | {
                "labels": tok(rows, padding=True, return_tensors="pt")["input_ids"]
            }
        ids = [r[0] for r in rows]
        padded = torch.nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=tok.pad_token_id)
        return {"input_ids": padded, "labels": padded.clone()}

    return _collate


def args(out: Path, max_steps: int = 2) -> TrainingArguments:
    return TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=4,
        max_steps=max_steps,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        seed=0,
    )


def trainer(
    model: Any, tok: Any, data: Any, out: Path, callback: GuardrailCallback, collator: Any, max_steps: int = 2
) -> Trainer:
    return Trainer(
        model=model,
        args=args(out, max_steps),
        train_dataset=data,
        processing_class=tok,
        data_collator=collator,
        callbacks=[callback],
    )


class TupleRows(torch.utils.data.Dataset):  # type: ignore[type-arg]
    def __init__(self, tok: Any, texts: list[str]) -> None:
        self.ids = [torch.tensor(tok(t, truncation=True, max_length=64)["input_ids"]) for t in texts]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[torch.Tensor]:
        return (self.ids[i],)


class StringRows(torch.utils.data.Dataset):  # type: ignore[type-arg]
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> str:
        return self.texts[i]


def blocked_at_step_zero(trainer: Trainer, model: Any, snapshot: Any) -> GuardrailViolation:
    before = snapshot(model)
    with pytest.raises(GuardrailViolation) as caught:
        trainer.train()
    assert trainer.state.global_step == 0
    assert same_weights(before, snapshot(model))
    return caught.value


@pytest.mark.parametrize("shape", ["tuple", "string"])
def test_torch_map_style_rows_of_any_shape_are_read(
    shape: str, tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    texts = [*CLEAN, *X_POSTS]
    data = TupleRows(tokenizer, texts) if shape == "tuple" else StringRows(texts)
    t = trainer(model, tokenizer, data, tmp_path, GuardrailCallback(), collate(tokenizer))
    violation = blocked_at_step_zero(t, model, snapshot)
    assert "on_train_begin" not in str(violation) and "training data" in str(violation)


def test_torch_map_style_batches_are_checked_beyond_the_sample(
    tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    # Only one item is read up front (decode_rows=1): make it the one clean row, so only the
    # batch guard, now installed for map-style data too, can stop the run.
    n = 16
    sampled = random.Random(GuardrailConfig().seed).sample(range(n), 1)[0]
    texts = [CLEAN[0] if i == sampled else X_POSTS[i % 2] for i in range(n)]
    t = trainer(
        model,
        tokenizer,
        TupleRows(tokenizer, texts),
        tmp_path,
        GuardrailCallback(decode_rows=1),
        collate(tokenizer),
    )
    before = snapshot(model)
    with pytest.raises(GuardrailViolation, match="a training batch"):
        t.train()
    assert t.state.global_step == 0 and same_weights(before, snapshot(model))


def test_token_ids_without_a_tokenizer_fail_closed_batch_by_batch(
    tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    class Stream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            for text in [*CLEAN, *X_POSTS] * 2:
                yield (torch.tensor(tokenizer(text)["input_ids"]),)

    t = trainer(model, None, Stream(), tmp_path, GuardrailCallback(), collate(tokenizer))
    violation = blocked_at_step_zero(t, model, snapshot)
    assert "cannot-decode" in str(violation)


def wordpiece() -> Any:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    raw.normalizer = normalizers.BertNormalizer(lowercase=True)
    raw.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    raw.decoder = decoders.WordPiece()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    # Every letter and digit, alone and as a ## continuation, as a real BERT vocabulary has.
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    pieces = [" ".join(alphabet), " ".join(a + b for a in alphabet for b in alphabet)]
    raw.train_from_iterator(
        CLEAN + X_POSTS + pieces,
        trainers.WordPieceTrainer(vocab_size=2000, special_tokens=specials, show_progress=False),
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=raw, pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]"
    )


def _blocked(texts: list[str]) -> bool:
    from guardrail.integrations.shared import judge

    evidence = BatchScanner(GuardrailConfig(), "decoded").scan(texts_batch(texts))
    return bool(judge([evidence], GuardrailConfig()).blocked)


def test_wordpiece_decoded_urls_match_after_detokenising() -> None:
    tok = wordpiece()
    ids = [tok(t)["input_ids"] for t in X_POSTS]
    raw = tok.batch_decode(ids, skip_special_tokens=True)
    assert " / " in raw[0] or ": //" in raw[0] or " ##" in raw[0] or "x. com" in raw[1]  # the artefacts
    assert not _blocked(raw)
    assert _blocked(decode(tok, ids))


@pytest.mark.parametrize(
    ("decoded", "expected"),
    [
        ("https : / / x. com / user / status / 1790", "https://x.com/user/status/1790"),
        ("twitter . com / jack / status / 20", "twitter.com/jack/status/20"),
        ("▁https://x.com/a/status/1▁hello", " https://x.com/a/status/1 hello"),
        ("@ user ##name says hi", "@username says hi"),
    ],
)
def test_detokenise(decoded: str, expected: str) -> None:
    assert detokenise(decoded) == expected


def test_bert_classifier_on_tweets_is_stopped(snapshot: Any, tmp_path: Path) -> None:
    from transformers import BertConfig, BertForSequenceClassification

    tok = wordpiece()
    torch.manual_seed(0)
    model = BertForSequenceClassification(
        BertConfig(
            vocab_size=len(tok),
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            max_position_embeddings=64,
        )
    )
    texts = [*CLEAN, *X_POSTS]
    ds = datasets.Dataset.from_dict({"text": texts, "label": [i % 2 for i in range(len(texts))]})
    ds = ds.map(
        lambda b: tok(b["text"], truncation=True, max_length=64), batched=True, remove_columns=["text"]
    )
    from transformers import DataCollatorWithPadding

    t = trainer(model, tok, ds, tmp_path, GuardrailCallback(), DataCollatorWithPadding(tok))
    blocked_at_step_zero(t, model, snapshot)


def test_parts_of_rows_and_batches() -> None:
    assert parts("plain") == (["plain"], [])
    assert parts({"messages": [{"role": "user", "content": "hi"}], "input_ids": [5, 6, 7]}) == (
        ["user", "hi"],
        [[5, 6, 7]],
    )
    batch = {
        "input_ids": torch.tensor([[5, 6, 0], [7, 8, 9]]),
        "attention_mask": torch.tensor([[1, 1, 0], [1, 1, 1]]),
    }
    assert parts(batch) == ([], [[5, 6], [7, 8, 9]])
    assert parts((torch.tensor([[1, 0], [1, 1]]), torch.tensor([[4, 5], [6, 7]]))) == ([], [[4, 5], [6, 7]])


def test_audit_states_a_block_mid_stream(tokenizer: Any, tmp_path: Path) -> None:
    from tinylm import build_model

    texts = [CLEAN[i % len(CLEAN)] for i in range(12)] + [X_POSTS[1]] + CLEAN * 4

    def gen() -> Any:
        for text in texts:
            yield {"text": text}

    ds = datasets.IterableDataset.from_generator(gen).map(
        lambda b: tokenizer(b["text"], truncation=True, max_length=64), batched=True, remove_columns=["text"]
    )
    from transformers import DataCollatorForLanguageModeling

    callback = GuardrailCallback(stream_head_rows=4)
    t = trainer(
        build_model(tokenizer),
        tokenizer,
        ds,
        tmp_path,
        callback,
        DataCollatorForLanguageModeling(tokenizer, mlm=False),
        max_steps=8,
    )
    with pytest.raises(GuardrailViolation, match="a training batch"):
        t.train()
    assert t.state.global_step == 3
    record = json.loads((tmp_path / audit.AUDIT_FILE).read_text(encoding="utf-8"))
    assert record["verdict"] == "block"
    assert "no content from X" not in audit.card_section(record)
