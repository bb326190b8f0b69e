"""`GuardrailCallback` on a real tiny model: blocked runs stop at step 0 with weights untouched."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest
from tinylm import CLEAN, X_CARD, X_POSTS, build_model, same_weights
from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

import guardrail
from guardrail import GuardrailCallback
from guardrail.config import AllowEntry, GuardrailConfig
from guardrail.errors import ConfigError, GuardrailViolation
from guardrail.integrations.transformers import audit

pytestmark = pytest.mark.slow
CARDS_ONLY = GuardrailConfig(scan_records=False)


def tokenize(ds: Any, tok: Any, remove_text: bool = True) -> Any:
    columns = ds.column_names if remove_text else []
    return ds.map(
        lambda b: tok(b["text"], truncation=True, max_length=64), batched=True, remove_columns=columns
    )


def trainer(model: Any, tok: Any, train: Any, out: Path, callback: GuardrailCallback, **kw: Any) -> Trainer:
    args = TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=4,
        max_steps=kw.pop("max_steps", 2),
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        seed=0,
        lr_scheduler_type="constant",  # same step sizes whatever max_steps is
    )
    return Trainer(
        model=model,
        args=args,
        train_dataset=train,
        processing_class=tok,
        data_collator=DataCollatorForLanguageModeling(tok, mlm=False),
        callbacks=[callback],
        **kw,
    )


def assert_blocked_at_step_zero(
    t: Trainer, model: Any, snapshot: Callable[[Any], dict[str, Any]]
) -> GuardrailViolation:
    before = snapshot(model)
    with pytest.raises(GuardrailViolation) as caught:
        t.train()
    assert t.state.global_step == 0
    assert same_weights(before, snapshot(model))
    assert caught.value.report.blocked
    return caught.value


# -- blocked runs ---------------------------------------------------------------------------


def test_provenance_from_the_hook_blocks_under_a_stricter_policy(
    write_folder: Callable[..., Path], tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    # Loaded under an allowlist, trained under the project's stricter policy: the card's
    # evidence rode along in Dataset.info and the callback re-decides it.
    folder = write_folder(CLEAN, card=X_CARD)
    lenient = GuardrailConfig(scan_records=False, allow=(AllowEntry(reason="licensed", path=str(folder)),))
    loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=lenient)
    t = trainer(
        model, tokenizer, tokenize(loaded, tokenizer), tmp_path / "out", GuardrailCallback(CARDS_ONLY)
    )
    error = assert_blocked_at_step_zero(t, model, snapshot)
    assert "GR101" in str(error) and str(folder) in str(error)
    assert not (tmp_path / "out" / audit.AUDIT_FILE).exists()


def test_raw_text_dataset_from_dict(tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path) -> None:
    ds = datasets.Dataset.from_dict({"text": CLEAN + X_POSTS})
    # Text kept: the Trainer itself removes the unused column before the callback runs.
    t = trainer(model, tokenizer, tokenize(ds, tokenizer, remove_text=False), tmp_path, GuardrailCallback())
    assert_blocked_at_step_zero(t, model, snapshot)


def test_pretokenised_with_text_removed_is_decoded(
    tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    ds = tokenize(datasets.Dataset.from_dict({"text": CLEAN * 3 + X_POSTS[:1]}), tokenizer)
    assert ds.column_names == ["input_ids", "attention_mask"]
    error = assert_blocked_at_step_zero(
        trainer(model, tokenizer, ds, tmp_path, GuardrailCallback()), model, snapshot
    )
    assert "twitter.com" in str(error)


def test_sampled_and_multi_column_rows_name_the_dataset_row(tokenizer: Any) -> None:
    from guardrail.integrations.transformers.training_data import summarize

    texts = CLEAN * 5 + X_POSTS[:1]  # the post is row 40
    tokens = tokenize(datasets.Dataset.from_dict({"text": texts}), tokenizer)
    config = GuardrailConfig(sample_rows=10)
    # 25 of 41 rows sampled with seed 0: the post is the 25th of them, and still row 40.
    [evidence] = summarize("train", tokens, tokenizer, config, decode_rows=25).evidence
    assert {f.location.row for f in evidence.findings if f.rule_id == "GR401"} == {40}
    pairs = [{"a": CLEAN[i % 8], "b": X_POSTS[0] if i == 3 else CLEAN[0]} for i in range(5)]
    [evidence] = summarize("train", pairs, tokenizer, config).evidence
    assert {f.location.row for f in evidence.findings if f.rule_id == "GR401"} == {3}


def test_local_folder_loaded_with_plain_datasets(
    write_folder: Callable[..., Path],
    tokenizer: Any,
    model: Any,
    snapshot: Any,
    tmp_path: Path,
) -> None:
    folder = write_folder(CLEAN + X_POSTS)
    ds = tokenize(datasets.load_dataset(str(folder), split="train"), tokenizer)
    assert_blocked_at_step_zero(trainer(model, tokenizer, ds, tmp_path, GuardrailCallback()), model, snapshot)


def test_tokens_without_processing_class_fail_closed(
    model: Any, tokenizer: Any, snapshot: Any, tmp_path: Path
) -> None:
    ds = tokenize(datasets.Dataset.from_dict({"text": CLEAN}), tokenizer)
    t = trainer(model, tokenizer, ds, tmp_path, GuardrailCallback())
    t.processing_class = None
    t.callback_handler.processing_class = None
    error = assert_blocked_at_step_zero(t, model, snapshot)
    assert "cannot-decode" in str(error)


def test_eval_data_is_checked_at_the_first_evaluation(tokenizer: Any, model: Any, tmp_path: Path) -> None:
    train = tokenize(datasets.Dataset.from_dict({"text": CLEAN}), tokenizer)
    evaluation = tokenize(datasets.Dataset.from_dict({"text": X_POSTS}), tokenizer)
    t = trainer(model, tokenizer, train, tmp_path, GuardrailCallback(), eval_dataset=evaluation)
    with pytest.raises(GuardrailViolation, match="eval data"):
        t.evaluate()


# -- iterable datasets ---------------------------------------------------------------------


def rows(texts: list[str]) -> Callable[[], Iterator[dict[str, str]]]:
    def gen() -> Iterator[dict[str, str]]:
        for text in texts:
            yield {"text": text}

    return gen


def iterable(texts: list[str], tok: Any) -> Any:
    ds = datasets.IterableDataset.from_generator(rows(texts))
    return ds.map(
        lambda b: tok(b["text"], truncation=True, max_length=64), batched=True, remove_columns=["text"]
    )


def test_iterable_head_is_checked_before_the_first_step(
    tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    ds = iterable([X_POSTS[0], *CLEAN], tokenizer)
    t = trainer(model, tokenizer, ds, tmp_path, GuardrailCallback(stream_head_rows=8))
    assert_blocked_at_step_zero(t, model, snapshot)


def test_iterable_batch_is_checked_before_it_reaches_the_model(
    tokenizer: Any, snapshot: Any, tmp_path: Path
) -> None:
    clean_steps, batch = 3, 4
    texts = [CLEAN[i % len(CLEAN)] for i in range(clean_steps * batch)] + [X_POSTS[1]] + CLEAN * 4
    guarded_model = build_model(tokenizer)
    t = trainer(
        guarded_model,
        tokenizer,
        iterable(texts, tokenizer),
        tmp_path / "a",
        GuardrailCallback(stream_head_rows=4),
        max_steps=8,
    )
    with pytest.raises(GuardrailViolation, match="a training batch"):
        t.train()
    assert t.state.global_step == clean_steps
    # The same model trained on only the clean batches ends with exactly the same weights:
    # no optimizer step ever saw the restricted batch.
    reference = build_model(tokenizer)
    clean = iterable(texts[: clean_steps * batch], tokenizer)
    trainer(
        reference, tokenizer, clean, tmp_path / "b", GuardrailCallback(CARDS_ONLY), max_steps=clean_steps
    ).train()
    assert same_weights(snapshot(reference), snapshot(guarded_model))
    assert not same_weights(snapshot(reference), snapshot(build_model(tokenizer)))


# -- passing runs ----------------------------------------------------------------------------


def test_clean_run_trains_and_writes_the_audit(
    write_folder: Callable[..., Path], tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path
) -> None:
    folder = write_folder(CLEAN, card=X_CARD)
    lenient = GuardrailConfig(
        scan_records=False, allow=(AllowEntry(reason="licensed from X, contract 42", path=str(folder)),)
    )
    loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=lenient)
    out = tmp_path / "out"
    callback = GuardrailCallback(lenient)
    before = snapshot(model)
    t = trainer(model, tokenizer, tokenize(loaded, tokenizer), out, callback)
    t.train()
    assert t.state.global_step == 2
    assert not same_weights(before, snapshot(model))
    record = json.loads((out / audit.AUDIT_FILE).read_text(encoding="utf-8"))
    assert record["guardrail_version"] == guardrail.__version__
    assert record["verdict"] == "pass" and record["time"]
    (train,) = record["datasets"]
    assert train["role"] == "train" and train["fingerprint"] and train["num_rows"] == len(CLEAN)
    (source,) = train["loaded_with_guardrail"]
    assert source["target"] == str(folder) and source["fingerprints"]["train"]
    reasons = {s["reason"] for s in record["suppressed"]}
    assert reasons == {"licensed from X, contract 42"}


def test_clean_records_pass(tokenizer: Any, model: Any, tmp_path: Path) -> None:
    ds = tokenize(datasets.Dataset.from_dict({"text": CLEAN * 2}), tokenizer)
    t = trainer(model, tokenizer, ds, tmp_path, GuardrailCallback())
    t.train()
    assert t.state.global_step == 2
    record = json.loads((tmp_path / audit.AUDIT_FILE).read_text(encoding="utf-8"))
    assert "decoded" in record["datasets"][0]["checked"]


def test_audit_of_a_run_failing_open_is_not_a_pass() -> None:
    from guardrail.findings import Problem, Report, TargetReport, Verdict

    unchecked = TargetReport(
        "train data", Verdict.ERROR, problems=(Problem("cannot-decode", "no tokenizer"),)
    )
    record = audit.build(Report((unchecked,), fail_open=True), [], GuardrailConfig(fail_open=True))
    assert record["verdict"] == "error"
    assert "no content from X" not in audit.card_section(record)


def test_model_card_gets_one_provenance_section(tokenizer: Any, model: Any, tmp_path: Path) -> None:
    ds = tokenize(datasets.Dataset.from_dict({"text": CLEAN}), tokenizer)
    callback = GuardrailCallback(CARDS_ONLY)
    t = trainer(model, tokenizer, ds, tmp_path, callback)
    t.train()
    t.create_model_card(model_name="tiny")
    assert callback.update_model_card(tmp_path)
    assert callback.update_model_card(tmp_path / "README.md")
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert card.count("## Training data provenance (guardrail)") == 1
    assert audit.AUDIT_FILE in card


def test_config_file_option_and_invalid_config(tmp_path: Path) -> None:
    good = tmp_path / "guardrail.toml"
    good.write_text('fail-open = true\n[[allow]]\ndataset = "org/ok"\nreason = "fine"\n', encoding="utf-8")
    assert GuardrailCallback(good).config.fail_open is True
    bad = tmp_path / "bad.toml"
    bad.write_text("fail-opn = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="fail-opn"):
        GuardrailCallback(bad)
